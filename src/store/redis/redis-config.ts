import { ZohoTokensError } from '../../errors.js';
import { redactStoreUrl } from '../store-url.js';

/** Where the Redis store connects, read from a `redis://` or `rediss://` URL. */
export interface RedisConnection {
  host: string;
  port: number;
  db: number;
  username?: string;
  password?: string;
  /** True for `rediss://`: TLS with the system's trusted certificates. */
  tls: boolean;
}

/** A parsed Redis store URL: the connection and the options carried in its query. */
export interface RedisUrlParts {
  connection: RedisConnection;
  prefix?: string;
  connectTimeoutMs?: number;
  commandTimeoutMs?: number;
}

/** The prefix used when none is given: every key of the store starts with it. */
export const DEFAULT_PREFIX = 'zoho-tokens';

/**
 * Reads `redis://[user[:password]@]host[:port][/db][?prefix=NAME]` (and `rediss://` for TLS).
 * The query may also set `connectTimeoutMs` and `commandTimeoutMs`.
 */
export function parseRedisUrl(url: string): RedisUrlParts {
  const parsed = urlOf(url);
  const db =
    parsed.pathname === '' || parsed.pathname === '/' ? 0 : Number(parsed.pathname.slice(1));
  if (!Number.isInteger(db) || db < 0) {
    throw new ZohoTokensError('ERR_STORE_URL', `invalid redis database in ${redactStoreUrl(url)}`);
  }

  const query = parsed.searchParams;
  return {
    connection: {
      host: parsed.hostname.replace(/^\[(.*)\]$/, '$1') || '127.0.0.1',
      port: parsed.port === '' ? 6379 : Number(parsed.port),
      db,
      username: decodeURIComponent(parsed.username) || undefined,
      password: decodeURIComponent(parsed.password) || undefined,
      tls: parsed.protocol === 'rediss:',
    },
    prefix: query.get('prefix') ?? undefined,
    connectTimeoutMs: durationOf(query, 'connectTimeoutMs', url),
    commandTimeoutMs: durationOf(query, 'commandTimeoutMs', url),
  };
}

/**
 * Checks a key prefix. Keys are binary-safe in Redis, but a prefix with spaces or glob
 * characters is almost always a mistake, and hard to inspect with `redis-cli --scan`.
 */
export function validPrefix(prefix: string): string {
  if (!/^[A-Za-z0-9_.:{}-]{1,100}$/.test(prefix)) {
    throw new ZohoTokensError(
      'ERR_INVALID_ARGUMENT',
      `invalid redis key prefix: ${JSON.stringify(prefix)}`,
    );
  }

  return prefix;
}

function urlOf(url: string): URL {
  try {
    const parsed = new URL(url);
    if (parsed.protocol === 'redis:' || parsed.protocol === 'rediss:') return parsed;
  } catch {
    // reported below, with the password hidden
  }
  throw new ZohoTokensError('ERR_STORE_URL', `not a redis url: ${redactStoreUrl(url)}`);
}

function durationOf(query: URLSearchParams, name: string, url: string): number | undefined {
  const text = query.get(name);
  if (text === null) return undefined;

  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0) {
    throw new ZohoTokensError('ERR_STORE_URL', `invalid ${name} in ${redactStoreUrl(url)}`);
  }
  return value;
}

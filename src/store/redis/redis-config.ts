import { ZohoTokensError } from '../../errors.js';
import { redactStoreUrl, refuseUnknownOptions } from '../store-url.js';

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

/** The query options a Redis store URL may carry; any other name is a typo, and an error. */
const URL_OPTIONS: readonly string[] = ['prefix', 'connectTimeoutMs', 'commandTimeoutMs'];

// Redis reads the index of SELECT as a signed 32-bit number.
const MAX_DATABASE = 2 ** 31 - 1;

/**
 * Reads `redis://[user[:password]@]host[:port][/db][?prefix=NAME]` (and `rediss://` for TLS).
 * The query may also set `connectTimeoutMs` and `commandTimeoutMs`.
 */
export function parseRedisUrl(url: string): RedisUrlParts {
  const parsed = urlOf(url);
  const query = parsed.searchParams;
  refuseUnknownOptions(url, query, URL_OPTIONS);

  return {
    connection: {
      host: parsed.hostname.replace(/^\[(.*)\]$/, '$1') || '127.0.0.1',
      port: parsed.port === '' ? 6379 : Number(parsed.port),
      db: databaseOf(parsed.pathname, url),
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

/** The database index of the URL's path: none, `/` or `/N` with N a whole number. */
function databaseOf(pathname: string, url: string): number {
  if (pathname === '' || pathname === '/') return 0;

  const digits = /^\/(\d{1,10})$/.exec(pathname)?.[1];
  if (digits === undefined || Number(digits) > MAX_DATABASE) {
    throw new ZohoTokensError(
      'ERR_STORE_URL',
      `invalid redis database index "${pathname.slice(1)}" in ` +
        `${redactStoreUrl(url)} (a whole number, 0 by default)`,
    );
  }
  return Number(digits);
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

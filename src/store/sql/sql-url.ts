import { ZohoTokensError } from '../../errors.js';
import { redactStoreUrl, refuseUnknownOptions } from '../store-url.js';

/** The parts of a database server URL (`mysql://`, `postgres://`) a SQL store reads. */
export interface ServerUrlParts {
  host?: string;
  port?: number;
  user?: string;
  password?: string;
  database?: string;
  /** The query options, each checked against the names the store accepts. */
  query: Map<string, string>;
}

/**
 * Reads `SCHEME://USER:PASS@HOST:PORT/DB?name=value`. Every part is optional; an unknown query
 * option is an error rather than silently ignored, since it is almost always a typo.
 */
export function parseServerUrl(
  url: string,
  schemes: readonly string[],
  options: readonly string[],
): ServerUrlParts {
  const parsed = urlOf(url, schemes);
  refuseUnknownOptions(url, parsed.searchParams, options);
  const query = new Map(parsed.searchParams);

  return {
    host: parsed.hostname.replace(/^\[(.*)\]$/, '$1') || undefined,
    port: parsed.port === '' ? undefined : Number(parsed.port),
    user: decodeURIComponent(parsed.username) || undefined,
    password: parsed.password === '' ? undefined : decodeURIComponent(parsed.password),
    database: decodeURIComponent(parsed.pathname.replace(/^\//, '')) || undefined,
    query,
  };
}

/** A positive whole number of milliseconds (or a count) from the URL's query, if present. */
export function positiveOption(
  parts: ServerUrlParts,
  name: string,
  url: string,
): number | undefined {
  const text = parts.query.get(name);
  if (text === undefined) return undefined;

  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0) {
    throw new ZohoTokensError('ERR_STORE_URL', `invalid ${name} in ${redactStoreUrl(url)}`);
  }
  return value;
}

/** Checks a timeout or a pool size given in code: a positive whole number. */
export function positiveInteger(value: number, name: string): number {
  if (!Number.isInteger(value) || value <= 0) {
    throw new ZohoTokensError('ERR_INVALID_ARGUMENT', `${name} must be a positive integer`);
  }

  return value;
}

/**
 * Checks a database name before it goes into `CREATE DATABASE` (the only statement where it is
 * written into SQL rather than passed to the driver).
 */
export function validDatabaseName(name: string): string {
  if (!/^[A-Za-z0-9_$-]{1,63}$/.test(name)) {
    throw new ZohoTokensError(
      'ERR_INVALID_ARGUMENT',
      `invalid database name: ${JSON.stringify(name)}`,
    );
  }

  return name;
}

function urlOf(url: string, schemes: readonly string[]): URL {
  try {
    const parsed = new URL(url);
    if (schemes.includes(parsed.protocol.slice(0, -1))) return parsed;
  } catch {
    // reported below, with the password hidden
  }
  throw new ZohoTokensError(
    'ERR_STORE_URL',
    `not a ${schemes.join(' or ')} url: ${redactStoreUrl(url)}`,
  );
}

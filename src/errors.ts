/**
 * Every error this library throws is a {@link ZohoTokensError} with a stable `code` that
 * TypeScript can narrow on. The underlying driver or network error, when there is one, is kept
 * as `cause`. Messages are short, lowercase and never contain a secret.
 */
export type ErrorCode =
  | 'ERR_INVALID_ARGUMENT'
  | 'ERR_USAGE'
  | 'ERR_CANCELLED'
  | 'ERR_DEPENDENCY_MISSING'
  | 'ERR_STORE_URL'
  | 'ERR_STORE_UNAVAILABLE'
  | 'ERR_STORE_SCHEMA'
  | 'ERR_STORE_VALUE'
  | 'ERR_STORE_CORRUPT'
  | 'ERR_STORE_CONFLICT'
  | 'ERR_STORE_FAILED'
  | 'ERR_MIGRATION_UNVERIFIED'
  | 'ERR_LEASE_TIMEOUT'
  | 'ERR_DECRYPT'
  | 'ERR_KEY_MISSING'
  | 'ERR_TOKEN_NOT_FOUND'
  | 'ERR_TOKEN_INCOMPLETE'
  | 'ERR_OAUTH_REJECTED'
  | 'ERR_OAUTH_UNAVAILABLE'
  | 'ERR_OAUTH_THROTTLED'
  | 'ERR_OAUTH_RESPONSE'
  | 'ERR_NEEDS_LOGIN'
  | 'ERR_API'
  | 'ERR_DATA_CENTRE';

/** Options shared by every error of this library. */
export interface ZohoTokensErrorOptions {
  cause?: unknown;
}

/** The base class of every error zoho-tokens throws. Narrow on `code`. */
export class ZohoTokensError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options: ZohoTokensErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
  }
}

/** True when `error` is a zoho-tokens error, optionally with the given code. */
export function isZohoTokensError(error: unknown, code?: ErrorCode): error is ZohoTokensError {
  if (!(error instanceof ZohoTokensError)) return false;

  return code === undefined || error.code === code;
}

import { ZohoTokensError } from '../../errors.js';

// Replies from a server that is there but cannot serve right now.
const BUSY_REPLIES = /^(LOADING|BUSY|MASTERDOWN|READONLY|TRYAGAIN|CLUSTERDOWN|NOREPLICAS)\b/;

// ioredis's own words for a connection that is gone, not there yet, or too slow.
const CONNECTION_FAILURES = new RegExp(
  [
    'Connection is closed',
    "Stream isn't writeable",
    'Command timed out',
    'connect ETIMEDOUT',
    'ECONNREFUSED|ECONNRESET|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EAI_AGAIN|EPIPE',
    'Reached the max retries',
  ].join('|'),
);

/**
 * The typed error for a failed Redis call: `ERR_STORE_UNAVAILABLE` when the server cannot be
 * reached (or is loading, or a script is busy), `ERR_STORE_SCHEMA` when a key of the prefix
 * holds another type (the prefix is shared with other data), `ERR_STORE_FAILED` otherwise.
 * Errors of this library pass through unchanged.
 */
export function redisError(operation: string, error: unknown): ZohoTokensError {
  if (error instanceof ZohoTokensError) return error;

  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown } | null)?.code;
  if (BUSY_REPLIES.test(message) || CONNECTION_FAILURES.test(message)) {
    return new ZohoTokensError('ERR_STORE_UNAVAILABLE', `redis ${operation}: server unavailable`, {
      cause: error,
    });
  }
  if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) {
    return new ZohoTokensError('ERR_STORE_UNAVAILABLE', `redis ${operation}: ${code}`, {
      cause: error,
    });
  }
  if (message.startsWith('WRONGTYPE')) {
    return new ZohoTokensError(
      'ERR_STORE_SCHEMA',
      `redis ${operation}: a key under the store prefix holds other data`,
      { cause: error },
    );
  }

  return new ZohoTokensError('ERR_STORE_FAILED', `redis ${operation} failed`, { cause: error });
}

/** The error for a store that cannot connect, with the server address (never a password). */
export function unavailable(message: string, cause?: unknown): ZohoTokensError {
  return new ZohoTokensError('ERR_STORE_UNAVAILABLE', message, { cause });
}

import { type ErrorCode, ZohoTokensError } from '../../errors.js';

/** What a driver error means for the caller of a SQL store. */
export type FailureKind = 'unavailable' | 'schema' | 'value' | 'conflict' | 'failed';

/** A driver error read by a store's classifier. */
export interface DriverFailure {
  kind: FailureKind;
  /** Safe to show: a driver or SQLSTATE code, a column name; never a value. */
  detail?: string;
}

const CODES: Record<FailureKind, ErrorCode> = {
  unavailable: 'ERR_STORE_UNAVAILABLE',
  schema: 'ERR_STORE_SCHEMA',
  value: 'ERR_STORE_VALUE',
  conflict: 'ERR_STORE_CONFLICT',
  failed: 'ERR_STORE_FAILED',
};

const MEANINGS: Record<FailureKind, string> = {
  unavailable: 'server unavailable',
  schema: 'table does not fit',
  value: 'value cannot be stored',
  conflict: 'conflicting write',
  failed: 'failed',
};

/** Where a SQL store's errors come from: `mysql`, `postgres`, and the server it talks to. */
export interface ErrorSource {
  store: string;
  /** The server, database and table, without any password. */
  target: string;
  classify(error: unknown): DriverFailure;
}

/**
 * The typed error for a failed store call, with the driver's error as `cause`. The message
 * names the operation, the meaning and a safe detail (a code, a column); driver messages stay in
 * `cause` because some of them quote the value that was refused. Our own errors pass through.
 */
export function sqlStoreError(
  source: ErrorSource,
  operation: string,
  error: unknown,
): ZohoTokensError {
  if (error instanceof ZohoTokensError) return error;

  const failure = source.classify(error);
  const detail = failure.detail === undefined ? '' : ` (${failure.detail})`;
  return new ZohoTokensError(
    CODES[failure.kind],
    `${source.store} ${operation}: ${MEANINGS[failure.kind]}${detail} at ${source.target}`,
    { cause: error },
  );
}

/** The `code` property of a driver error, when it is a string. */
export function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** The message of an error, or '' for values that are not errors. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : '';
}

/** Operating-system codes of a connection that failed or broke, the same for every driver. */
export const NETWORK_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);

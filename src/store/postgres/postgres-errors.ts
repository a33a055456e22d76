import { type DriverFailure, errorCode, errorMessage, NETWORK_CODES } from '../sql/sql-errors.js';

// SQLSTATEs of a server that cannot serve now; class 08 (connection exceptions) is added below.
const UNAVAILABLE_STATES = new Set([
  '57P01', // admin shutdown (the server stops, or pg_terminate_backend)
  '57P02', // crash shutdown
  '57P03', // cannot connect now (starting up)
  '53300', // too many connections
  '57014', // statement timeout or cancel
  '55P03', // lock not available
  '40001', // serialization failure
  '40P01', // deadlock
]);
const SCHEMA_STATES = new Set(['42P01', '42703', '3D000', '3F000']); // table, column, db, schema
const CONFLICT_STATES = new Set(['23505']); // unique violation

// pg's own failures carry no code; these are its words for a connection that failed or broke.
const CLIENT_FAILURES = new RegExp(
  [
    'Connection terminated',
    'timeout exceeded when trying to connect',
    'Query read timeout',
    'Cannot use a pool after calling end',
    'Client was closed',
    'Client has encountered a connection error',
    'not queryable',
  ].join('|'),
);

/** Reads a pg error: what it means for the caller, and a detail safe to show. */
export function classifyPostgresError(error: unknown): DriverFailure {
  const code = errorCode(error);
  if (code !== undefined && /^[0-9A-Z]{5}$/.test(code)) return bySqlState(code, error);
  if (code !== undefined && NETWORK_CODES.has(code)) return { kind: 'unavailable', detail: code };
  if (CLIENT_FAILURES.test(errorMessage(error))) return { kind: 'unavailable' };

  return code === undefined ? { kind: 'failed' } : { kind: 'failed', detail: code };
}

/** True for the error of a database that does not exist (yet). */
export function isUnknownDatabase(error: unknown): boolean {
  return errorCode(error) === '3D000';
}

function bySqlState(state: string, error: unknown): DriverFailure {
  if (UNAVAILABLE_STATES.has(state) || state.startsWith('08')) {
    return { kind: 'unavailable', detail: state };
  }
  if (SCHEMA_STATES.has(state)) return { kind: 'schema', detail: state };
  if (CONFLICT_STATES.has(state)) return { kind: 'conflict', detail: state };
  // Class 22 is data exceptions (too long, a NUL byte in text); 23502 a missing required value.
  if (state.startsWith('22') || state === '23502') {
    const column = (error as { column?: unknown }).column;
    return {
      kind: 'value',
      detail: typeof column === 'string' ? `${state}, column ${column}` : state,
    };
  }

  return { kind: 'failed', detail: state };
}

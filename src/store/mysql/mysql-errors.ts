import { OFFICIAL_COLUMNS } from '../columns.js';
import { type DriverFailure, errorCode, errorMessage, NETWORK_CODES } from '../sql/sql-errors.js';

// Server error numbers, the same in MySQL 8 and MariaDB unless noted.
const UNAVAILABLE_ERRNOS = new Set([
  1040, // too many connections
  1053, // server shutdown in progress
  1203, // user has too many connections
  1205, // lock wait timeout
  1213, // deadlock
  1317, // query interrupted (KILL QUERY)
  1927, // MariaDB: connection killed
  1969, // MariaDB: max_statement_time exceeded
  3024, // MySQL: max_execution_time exceeded
  4031, // MySQL: disconnected by the server after inactivity
]);
const SCHEMA_ERRNOS = new Set([1049, 1054, 1146]); // unknown database, column, table
const VALUE_ERRNOS = new Set([
  1048, // column cannot be null
  1264, // out of range
  1292, // truncated incorrect value
  1366, // incorrect string value (a character the column's charset lacks)
  1406, // data too long for column
]);
const CONFLICT_ERRNOS = new Set([1062]); // duplicate entry

// mysql2's own failures carry no code; these are its words for a pool that cannot serve.
const POOL_FAILURES = /^(Pool is closed|No connections available|Queue limit reached)/;

/** Reads a mysql2 error: what it means for the caller, and a detail safe to show. */
export function classifyMysqlError(error: unknown): DriverFailure {
  const code = errorCode(error);
  const errno = (error as { errno?: unknown } | null)?.errno;
  const fatal = (error as { fatal?: unknown } | null)?.fatal === true;

  if (typeof errno === 'number' && VALUE_ERRNOS.has(errno)) {
    return { kind: 'value', detail: withColumn(code, errorMessage(error)) };
  }
  if (typeof errno === 'number' && UNAVAILABLE_ERRNOS.has(errno))
    return failure('unavailable', code);
  if (typeof errno === 'number' && SCHEMA_ERRNOS.has(errno)) return failure('schema', code);
  if (typeof errno === 'number' && CONFLICT_ERRNOS.has(errno)) return failure('conflict', code);
  if (fatal || (code !== undefined && NETWORK_CODES.has(code))) return failure('unavailable', code);
  if (code === 'PROTOCOL_SEQUENCE_TIMEOUT' || code === 'PROTOCOL_CONNECTION_LOST') {
    return failure('unavailable', code);
  }
  if (POOL_FAILURES.test(errorMessage(error))) return failure('unavailable', 'pool closed or full');

  return failure('failed', code);
}

/** True for the error of a database that does not exist (yet). */
export function isUnknownDatabase(error: unknown): boolean {
  return (error as { errno?: unknown } | null)?.errno === 1049;
}

function failure(kind: DriverFailure['kind'], code: string | undefined): DriverFailure {
  return code === undefined ? { kind } : { kind, detail: code };
}

// The server's message quotes the refused bytes, so only the column name is taken from it.
function withColumn(code: string | undefined, message: string): string {
  const columns = [...OFFICIAL_COLUMNS, 'version', 'state'];
  const column = columns.find((name) => new RegExp(`[\`']${name}[\`']`).test(message));
  return [code, column && `column ${column}`].filter(Boolean).join(', ');
}

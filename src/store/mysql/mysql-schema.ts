import { ZohoTokensError } from '../../errors.js';
import { EXTRA_COLUMNS, OFFICIAL_COLUMNS } from '../columns.js';
import type { LookupColumn } from '../sql/sql-save.js';
import type { MysqlConfig } from './mysql-config.js';
import { lockName, type MysqlSession, releaseNamedLock, takeNamedLock } from './mysql-db.js';
import * as sql from './mysql-sql.js';

interface ColumnInfo {
  name: string;
  type: string;
  length: number | string | null;
}

const LOOKUP_COLUMNS: readonly LookupColumn[] = [
  'user_name',
  'access_token',
  'grant_token',
  'refresh_token',
];

// Index keys stay under 767 bytes in utf8mb4 (191 characters), the limit of the oldest InnoDB
// row formats; an equality lookup still compares the whole value.
const INDEX_PREFIX_CHARS = 191;

// Building an index on a large existing table can take a while; schema changes get longer.
const SCHEMA_TIMEOUT_MS = 60_000;

/**
 * Makes the token table ready: creates it when missing; on an existing table (such as the one
 * the official SDK uses) checks the ten official columns, adds `version` and `state` after
 * them and the lookup indexes, and changes nothing else. Runs under a named lock, so processes
 * starting together do not race on the DDL; safe to run again.
 */
export async function prepareTable(session: MysqlSession, config: MysqlConfig): Promise<void> {
  const lock = lockName('schema', config);
  await takeNamedLock(session, lock, SCHEMA_TIMEOUT_MS);

  let columns = await readColumns(session, config.table);
  if (columns.length === 0) {
    await session.run(sql.statement(sql.CREATE_TABLE, config.table), undefined, SCHEMA_TIMEOUT_MS);
    columns = await readColumns(session, config.table);
  }
  checkOfficialColumns(columns, config.table);
  await addExtraColumns(session, columns, config.table);
  await addLookupIndexes(session, columns, config.table);

  await releaseNamedLock(session, lock);
}

/** Creates the lease table when missing (`IF NOT EXISTS` is safe under concurrency here). */
export async function prepareLeaseTable(session: MysqlSession, table: string): Promise<void> {
  await session.run(sql.statement(sql.CREATE_LEASE_TABLE, table), undefined, SCHEMA_TIMEOUT_MS);
}

function readColumns(session: MysqlSession, table: string): Promise<ColumnInfo[]> {
  return session.run<ColumnInfo[]>(sql.TABLE_COLUMNS, [table]);
}

function checkOfficialColumns(columns: readonly ColumnInfo[], table: string): void {
  const names = new Set(columns.map((column) => column.name));
  const missing = OFFICIAL_COLUMNS.filter((name) => !names.has(name));
  if (missing.length === 0) return;

  throw new ZohoTokensError(
    'ERR_STORE_SCHEMA',
    `mysql table ${table} lacks the token columns ${missing.join(', ')}`,
  );
}

async function addExtraColumns(
  session: MysqlSession,
  columns: readonly ColumnInfo[],
  table: string,
): Promise<void> {
  const names = new Set(columns.map((column) => column.name));
  for (const name of EXTRA_COLUMNS) {
    if (names.has(name)) continue;

    const text = sql.statement(sql.ADD_COLUMN[name]!, table);
    await session.run(text, undefined, SCHEMA_TIMEOUT_MS);
  }
}

async function addLookupIndexes(
  session: MysqlSession,
  columns: readonly ColumnInfo[],
  table: string,
): Promise<void> {
  const indexed = await session.run<{ name: string }[]>(sql.INDEXED_COLUMNS, [table]);
  const leading = new Set(indexed.map((row) => row.name));

  for (const column of LOOKUP_COLUMNS) {
    if (leading.has(column)) continue;

    const info = columns.find((candidate) => candidate.name === column)!;
    const text = sql
      .statement(sql.CREATE_INDEX, table)
      .replaceAll('{column}', column)
      .replace('{prefix}', needsPrefix(info) ? `(${INDEX_PREFIX_CHARS})` : '');
    await session.run(text, undefined, SCHEMA_TIMEOUT_MS);
  }
}

function needsPrefix(column: ColumnInfo): boolean {
  if (/text|blob/i.test(column.type)) return true;

  return column.length !== null && Number(column.length) > INDEX_PREFIX_CHARS;
}

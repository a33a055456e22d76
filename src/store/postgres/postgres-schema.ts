import { createHash } from 'node:crypto';
import { ZohoTokensError } from '../../errors.js';
import { EXTRA_COLUMNS, OFFICIAL_COLUMNS } from '../columns.js';
import type { LookupColumn } from '../sql/sql-save.js';
import type { PostgresConfig } from './postgres-config.js';
import { advisoryKey, type PostgresSession } from './postgres-db.js';
import * as sql from './postgres-sql.js';

/** How long the schema steps may take, on the server and in the client. */
export const SCHEMA_TIMEOUT_MS = 60_000;

const LOOKUP_COLUMNS: readonly LookupColumn[] = [
  'user_name',
  'access_token',
  'grant_token',
  'refresh_token',
];

/**
 * Makes the token table ready: creates the schema and table when missing; on an existing table
 * checks the ten official columns and adds `version`, `state` and the lookup indexes. Runs in
 * one transaction under an advisory lock: PostgreSQL's `IF NOT EXISTS` is not safe when two
 * processes create the same table at once.
 */
export async function prepareTable(
  session: PostgresSession,
  config: PostgresConfig,
): Promise<void> {
  const t = sql.statement('{t}', config.schema, config.table);
  await beginSchemaChange(session, config);

  const schema = await session.run(sql.SCHEMA_EXISTS, [config.schema]);
  if (schema.rows.length === 0)
    await session.run(sql.statement(sql.CREATE_SCHEMA, config.schema, ''));

  let columns = await readColumns(session, config);
  if (columns.length === 0) {
    await session.run(sql.statement(sql.CREATE_TABLE, config.schema, config.table));
    columns = await readColumns(session, config);
  }
  checkOfficialColumns(columns, t);
  for (const name of EXTRA_COLUMNS) {
    if (!columns.includes(name)) await session.run(sql.ADD_COLUMN[name]!.replace('{t}', t));
  }
  await addLookupIndexes(session, config, t);

  await session.run(sql.COMMIT);
}

/** Creates the lease table when missing, under the same lock as the token table. */
export async function prepareLeaseTable(
  session: PostgresSession,
  config: PostgresConfig,
): Promise<void> {
  await beginSchemaChange(session, config);
  await session.run(sql.statement(sql.CREATE_LEASE_TABLE, config.schema, config.table));
  await session.run(sql.COMMIT);
}

async function beginSchemaChange(session: PostgresSession, config: PostgresConfig): Promise<void> {
  await session.run(sql.BEGIN);
  await session.run(sql.SCHEMA_TIMEOUT.replace('{ms}', String(SCHEMA_TIMEOUT_MS)));
  await session.run(sql.XACT_LOCK, [advisoryKey('schema', config)]);
}

async function readColumns(session: PostgresSession, config: PostgresConfig): Promise<string[]> {
  const result = await session.run<{ name: string }>(sql.TABLE_COLUMNS, [
    config.schema,
    config.table,
  ]);
  return result.rows.map((row) => row.name);
}

function checkOfficialColumns(columns: readonly string[], table: string): void {
  const missing = OFFICIAL_COLUMNS.filter((name) => !columns.includes(name));
  if (missing.length === 0) return;

  throw new ZohoTokensError(
    'ERR_STORE_SCHEMA',
    `postgres table ${table} lacks the token columns ${missing.join(', ')}`,
  );
}

async function addLookupIndexes(
  session: PostgresSession,
  config: PostgresConfig,
  table: string,
): Promise<void> {
  const indexed = await session.run<{ name: string }>(sql.INDEXED_COLUMNS, [table]);
  const leading = new Set(indexed.rows.map((row) => row.name));

  for (const column of LOOKUP_COLUMNS) {
    if (leading.has(column)) continue;

    const text = sql.CREATE_INDEX.replace('{index}', `"${indexName(config.table, column)}"`)
      .replace('{t}', table)
      .replace('{column}', column);
    await session.run(text);
  }
}

// Index names share the schema's namespace and are cut at 63 bytes; a long table name gets a
// digest so that two long names never produce the same index name.
function indexName(table: string, column: string): string {
  const plain = `${table}_${column}`;
  if (plain.length <= 63) return plain;

  const digest = createHash('sha256').update(table).digest('hex').slice(0, 8);
  return `${table.slice(0, 63 - column.length - 10)}_${digest}_${column}`;
}

/**
 * The SQL of the PostgreSQL store. `{t}` stands for the schema-qualified token table, `{lease}`
 * for the lease table next to it, `{schema}` for the schema: validated identifiers, quoted.
 */

export const CREATE_DATABASE = 'CREATE DATABASE {db}';

export const SCHEMA_EXISTS = 'SELECT 1 FROM pg_namespace WHERE nspname = $1';
export const CREATE_SCHEMA = 'CREATE SCHEMA IF NOT EXISTS {schema}';

/** The official ten columns in the official order, then ours; text holds values of any length. */
export const CREATE_TABLE = `
  CREATE TABLE IF NOT EXISTS {t} (
    id varchar(20) NOT NULL,
    user_name text,
    client_id text,
    client_secret text,
    refresh_token text,
    access_token text,
    grant_token text,
    expiry_time varchar(20),
    redirect_url text,
    api_domain text,
    version bigint,
    state text,
    PRIMARY KEY (id)
  )`;

/** PostgreSQL appends added columns, so ours land after the official ten. */
export const ADD_COLUMN: Record<string, string> = {
  version: 'ALTER TABLE {t} ADD COLUMN IF NOT EXISTS version bigint',
  state: 'ALTER TABLE {t} ADD COLUMN IF NOT EXISTS state text',
};

export const TABLE_COLUMNS = `
  SELECT column_name AS name
  FROM information_schema.columns
  WHERE table_schema = $1 AND table_name = $2
  ORDER BY ordinal_position`;

/** Columns that already lead an index (ours, the primary key, or one the user made). */
export const INDEXED_COLUMNS = `
  SELECT a.attname AS name
  FROM pg_index i
  JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
  WHERE i.indrelid = to_regclass($1)`;

/**
 * Hash indexes: lookups are equality only, and a B-tree refuses entries over about 2.7 KB,
 * which a long token would exceed.
 */
export const CREATE_INDEX = 'CREATE INDEX IF NOT EXISTS {index} ON {t} USING hash ({column})';

/** Schema changes may take longer than a token query on a large table (`{ms}`: a number). */
export const SCHEMA_TIMEOUT = 'SET LOCAL statement_timeout = {ms}';

/** A transaction-scoped advisory lock: saves (or schema changes) of one table run in turn. */
export const XACT_LOCK = 'SELECT pg_advisory_xact_lock($1::bigint)';

export const BEGIN = 'BEGIN';

/**
 * The save transaction, read committed whatever the server's default: under repeatable read its
 * snapshot would date from before the advisory lock was granted, and miss the previous holder's
 * insert.
 */
export const BEGIN_SAVE = 'BEGIN ISOLATION LEVEL READ COMMITTED';
export const COMMIT = 'COMMIT';

const SELECT = `
  SELECT id, user_name, client_id, client_secret, refresh_token, access_token, grant_token,
         expiry_time, redirect_url, api_domain, version, state
  FROM {t}`;

export const FIND_BY_ID = `${SELECT} WHERE id = $1`;

export const FIND_BY = {
  user_name: `${SELECT} WHERE user_name = $1 ORDER BY length(id), id LIMIT 1`,
  access_token: `${SELECT} WHERE access_token = $1 ORDER BY length(id), id LIMIT 1`,
  grant_token: `${SELECT} WHERE grant_token = $1 ORDER BY length(id), id LIMIT 1`,
  refresh_token: `${SELECT} WHERE refresh_token = $1 ORDER BY length(id), id LIMIT 1`,
} as const;

/** Inside a save, rows are read with a lock, so a writer outside our lock cannot slip in. */
export const FOR_UPDATE = ' FOR UPDATE';

export const ALL = `${SELECT} ORDER BY length(id), id`;

/** The numeric maximum id (a text `max(id)` would repeat id 10). */
export const MAX_ID = `
  SELECT max(id::numeric) AS max_id
  FROM {t}
  WHERE id ~ '^[0-9]{1,30}$'`;

export const INSERT = `
  INSERT INTO {t} (id, user_name, client_id, client_secret, refresh_token, access_token,
                   grant_token, expiry_time, redirect_url, api_domain, version, state)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`;

export const UPDATE = `
  UPDATE {t}
  SET user_name = $1, client_id = $2, client_secret = $3, refresh_token = $4,
      access_token = $5, grant_token = $6, expiry_time = $7, redirect_url = $8,
      api_domain = $9, version = $10, state = $11
  WHERE id = $12`;

export const DELETE_ONE = 'DELETE FROM {t} WHERE id = $1';
export const DELETE_ALL = 'DELETE FROM {t}';

/** Lease rows: one per held lease, with an expiry on the server's clock. */
export const CREATE_LEASE_TABLE = `
  CREATE TABLE IF NOT EXISTS {lease} (
    lease_key char(64) NOT NULL,
    owner text NOT NULL,
    expires_at timestamptz NOT NULL,
    PRIMARY KEY (lease_key)
  )`;

/** Inserts the row, or takes over a row whose expiry has passed; one row affected = taken. */
export const TAKE_LEASE = `
  INSERT INTO {lease} AS held (lease_key, owner, expires_at)
  VALUES ($1, $2, clock_timestamp() + $3::float8 * interval '1 millisecond')
  ON CONFLICT (lease_key) DO UPDATE
  SET owner = EXCLUDED.owner, expires_at = EXCLUDED.expires_at
  WHERE held.expires_at <= clock_timestamp()`;

export const RELEASE_LEASE = 'DELETE FROM {lease} WHERE lease_key = $1 AND owner = $2';

/** The lease table, one per schema, shared by the token tables in it. */
export const LEASE_TABLE = 'zoho_tokens_lease';

/** Fills `{t}`, `{lease}` and `{schema}` with the quoted names. */
export function statement(sql: string, schema: string, table: string): string {
  return sql
    .replaceAll('{t}', `"${schema}"."${table}"`)
    .replaceAll('{lease}', `"${schema}"."${LEASE_TABLE}"`)
    .replaceAll('{schema}', `"${schema}"`);
}

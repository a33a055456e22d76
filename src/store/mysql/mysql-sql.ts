/**
 * The SQL of the MySQL / MariaDB store, written for both: MariaDB 10.11 runs it, and it uses
 * nothing MySQL 8 refuses. `{t}` stands for the token table and `{lease}` for the lease table,
 * both validated identifiers quoted with backticks.
 */

/**
 * Every session runs strict: a value longer than its column is refused (`ER_DATA_TOO_LONG`)
 * instead of being cut, whatever the server's default mode is; and without NO_BACKSLASH_ESCAPES,
 * which the driver's escaping of placeholder values relies on. Row-lock waits end with the
 * query timeout (whole seconds), so a statement the client gave up on does not linger on the
 * server holding the save lock.
 */
export const SESSION_SETUP = `
  SET SESSION sql_mode = 'STRICT_ALL_TABLES,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION',
      SESSION innodb_lock_wait_timeout = ?`;

export const CREATE_DATABASE = 'CREATE DATABASE IF NOT EXISTS {db} CHARACTER SET utf8mb4';

/**
 * The table this store creates: the official ten columns in the official order, then ours.
 * Unlike the official `varchar(255)` it holds long values, and its binary collation makes every
 * comparison exact (the official table compares case-insensitively).
 */
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
  ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`;

/** Our columns, added after the official ten to a table the official SDK made. */
export const ADD_COLUMN: Record<string, string> = {
  version: 'ALTER TABLE {t} ADD COLUMN version bigint NULL AFTER api_domain',
  state: 'ALTER TABLE {t} ADD COLUMN state text NULL AFTER version',
};

export const TABLE_COLUMNS = `
  SELECT COLUMN_NAME AS name, DATA_TYPE AS type, CHARACTER_MAXIMUM_LENGTH AS length
  FROM information_schema.COLUMNS
  WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?
  ORDER BY ORDINAL_POSITION`;

/** Columns that already lead an index (ours, the primary key, or one the user made). */
export const INDEXED_COLUMNS = `
  SELECT DISTINCT COLUMN_NAME AS name
  FROM information_schema.STATISTICS
  WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND SEQ_IN_INDEX = 1`;

/** `{column}` and `{prefix}` are filled from a fixed list; index names are per table here. */
export const CREATE_INDEX = 'CREATE INDEX zt_{column} ON {t} ({column}{prefix})';

/** A named server lock: saves and schema changes of one table run one at a time. */
export const GET_LOCK = 'SELECT GET_LOCK(?, ?) AS acquired';
export const RELEASE_LOCK = 'SELECT RELEASE_LOCK(?) AS released';

export const START_TRANSACTION = 'START TRANSACTION';
export const COMMIT = 'COMMIT';

const SELECT = `
  SELECT id, user_name, client_id, client_secret, refresh_token, access_token, grant_token,
         expiry_time, redirect_url, api_domain, version, state
  FROM {t}`;

export const FIND_BY_ID = `${SELECT} WHERE id = ?`;

/**
 * Lookups return every row equal under the table's collation; the store keeps the exact match
 * (an official table compares case- and trailing-space-insensitively).
 */
export const FIND_BY = {
  user_name: `${SELECT} WHERE user_name = ?`,
  access_token: `${SELECT} WHERE access_token = ?`,
  grant_token: `${SELECT} WHERE grant_token = ?`,
  refresh_token: `${SELECT} WHERE refresh_token = ?`,
} as const;

/** Inside a save, rows are read with a lock, so a writer outside our lock cannot slip in. */
export const FOR_UPDATE = ' FOR UPDATE';

export const ALL = `${SELECT} ORDER BY LENGTH(id), id`;

/** The numeric maximum id: the official `MAX(id)` compares text and repeats id 10. */
export const MAX_ID = `
  SELECT MAX(CAST(id AS UNSIGNED)) AS max_id
  FROM {t}
  WHERE id REGEXP '^[0-9]{1,19}$'`;

export const INSERT = `
  INSERT INTO {t} (id, user_name, client_id, client_secret, refresh_token, access_token,
                   grant_token, expiry_time, redirect_url, api_domain, version, state)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

export const UPDATE = `
  UPDATE {t}
  SET user_name = ?, client_id = ?, client_secret = ?, refresh_token = ?, access_token = ?,
      grant_token = ?, expiry_time = ?, redirect_url = ?, api_domain = ?, version = ?, state = ?
  WHERE id = ?`;

export const DELETE_ONE = 'DELETE FROM {t} WHERE id = ?';
export const DELETE_ALL = 'DELETE FROM {t}';

/** Lease rows: one per held lease, with an expiry on the server's clock (UTC). */
export const CREATE_LEASE_TABLE = `
  CREATE TABLE IF NOT EXISTS {lease} (
    lease_key char(64) NOT NULL,
    owner varchar(200) NOT NULL,
    expires_at datetime(3) NOT NULL,
    PRIMARY KEY (lease_key)
  ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`;

export const EVICT_EXPIRED_LEASE = `
  DELETE FROM {lease} WHERE lease_key = ? AND expires_at <= UTC_TIMESTAMP(3)`;

/** Fails with a duplicate key while another owner's unexpired row is there. */
export const INSERT_LEASE = `
  INSERT INTO {lease} (lease_key, owner, expires_at)
  VALUES (?, ?, DATE_ADD(UTC_TIMESTAMP(3), INTERVAL ? MICROSECOND))`;

export const RELEASE_LEASE = 'DELETE FROM {lease} WHERE lease_key = ? AND owner = ?';

/** The lease table, one per database, shared by the token tables in it. */
export const LEASE_TABLE = 'zoho_tokens_lease';

/** Fills `{t}` and `{lease}` with the quoted table names. */
export function statement(sql: string, table: string): string {
  return sql.replaceAll('{t}', `\`${table}\``).replaceAll('{lease}', `\`${LEASE_TABLE}\``);
}

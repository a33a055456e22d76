/**
 * The SQL of the SQLite store. The table is the one of the Kaizen #192 sample (and of the
 * official MySQL store): ten text columns in the official order, then our `version` and `state`.
 * `{t}` stands for the table name, a validated identifier.
 */
export const CREATE_TABLE = `
  CREATE TABLE IF NOT EXISTS {t} (
    id varchar(10) NOT NULL,
    user_name varchar(255),
    client_id varchar(255),
    client_secret varchar(255),
    refresh_token varchar(255),
    access_token varchar(255),
    grant_token varchar(255),
    expiry_time varchar(20),
    redirect_url varchar(255),
    api_domain varchar(255),
    version integer,
    state text,
    PRIMARY KEY (id)
  )`;

export const ADD_COLUMN: Record<string, string> = {
  version: 'ALTER TABLE {t} ADD COLUMN version integer',
  state: 'ALTER TABLE {t} ADD COLUMN state text',
};

export const TABLE_COLUMNS = 'SELECT name FROM pragma_table_info(?)';

/** Lookup indexes, and one that lets the numeric maximum id be read without a scan. */
export const CREATE_INDEXES = [
  'CREATE INDEX IF NOT EXISTS {t}_user_name ON {t} (user_name)',
  'CREATE INDEX IF NOT EXISTS {t}_access_token ON {t} (access_token)',
  'CREATE INDEX IF NOT EXISTS {t}_grant_token ON {t} (grant_token)',
  'CREATE INDEX IF NOT EXISTS {t}_refresh_token ON {t} (refresh_token)',
  'CREATE INDEX IF NOT EXISTS {t}_id_order ON {t} (length(id), id)',
];

const SELECT = `
  SELECT id, user_name, client_id, client_secret, refresh_token, access_token, grant_token,
         expiry_time, redirect_url, api_domain, version, state
  FROM {t}`;

export const FIND_BY_ID = `${SELECT} WHERE id = ?`;
export const FIND_BY_USER = `${SELECT} WHERE user_name = ? ORDER BY rowid LIMIT 1`;
export const FIND_BY_ACCESS_TOKEN = `${SELECT} WHERE access_token = ? ORDER BY rowid LIMIT 1`;
export const FIND_BY_GRANT_TOKEN = `${SELECT} WHERE grant_token = ? ORDER BY rowid LIMIT 1`;
export const FIND_BY_REFRESH_TOKEN = `${SELECT} WHERE refresh_token = ? ORDER BY rowid LIMIT 1`;
export const ALL = `${SELECT} ORDER BY length(id), id`;

/** Ids from the largest number down: the first all-digit one is the numeric maximum. */
export const IDS_DESCENDING = 'SELECT id FROM {t} ORDER BY length(id) DESC, id DESC';

export const INSERT = `
  INSERT INTO {t} (id, user_name, client_id, client_secret, refresh_token, access_token,
                     grant_token, expiry_time, redirect_url, api_domain, version, state)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

export const UPDATE = `
  UPDATE {t}
  SET id = ?, user_name = ?, client_id = ?, client_secret = ?, refresh_token = ?,
      access_token = ?, grant_token = ?, expiry_time = ?, redirect_url = ?, api_domain = ?,
      version = ?, state = ?
  WHERE id = ?`;

export const DELETE_ONE = 'DELETE FROM {t} WHERE id = ?';
export const DELETE_ALL = 'DELETE FROM {t}';

/** Leases live in a table of their own beside the tokens. */
export const CREATE_LEASE_TABLE = `
  CREATE TABLE IF NOT EXISTS {t}_lease (
    lease_key text PRIMARY KEY,
    owner text NOT NULL,
    expires_at integer NOT NULL
  )`;

export const LEASE_HOLDER = 'SELECT owner, expires_at FROM {t}_lease WHERE lease_key = ?';

export const TAKE_LEASE = `
  INSERT INTO {t}_lease (lease_key, owner, expires_at) VALUES (?, ?, ?)
  ON CONFLICT (lease_key) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at`;

export const RELEASE_LEASE = 'DELETE FROM {t}_lease WHERE lease_key = ? AND owner = ?';

import { closeSync, openSync } from 'node:fs';
import Database from 'better-sqlite3';
import { ZohoTokensError } from '../../errors.js';
import type { OAuthToken } from '../../token/oauth-token.js';
import {
  EXTRA_COLUMNS,
  OFFICIAL_COLUMNS,
  rowValues,
  type TokenRow,
  tokenFromRow,
} from '../columns.js';
import { validTableName, withTable } from '../identifier.js';
import { type MatchKey, matchKeyOf } from '../matching.js';
import { nextId, planSave } from '../save-plan.js';
import type { Lease, LeaseOptions, TokenQuery, TokenStore } from '../token-store.js';
import { SqliteLeases } from './sqlite-lease.js';
import * as sql from './sqlite-sql.js';

/** Options of {@link SqliteStore}. */
export interface SqliteStoreOptions {
  /** A file path, or `:memory:`. */
  path: string;
  /** Default `oauthtoken`, the table of the Kaizen #192 sample and the official SDKs. */
  table?: string;
  /** How long a write waits for another process's write to finish. Default 5000. */
  busyTimeoutMs?: number;
}

type Statement = Database.Statement<unknown[], TokenRow>;

/**
 * Tokens in an SQLite database, in the `oauthtoken` table of the Kaizen #192 sample: a database
 * that sample made opens as it is. Lookups use indexes; writes run in `BEGIN IMMEDIATE`
 * transactions, so processes sharing the file never collide on an id; WAL lets readers go on
 * while one process writes.
 *
 * @example
 * ```ts
 * const store = new SqliteStore({ path: 'zohooauth.db' });
 * const token = await store.findToken({ userSignature: 'ada@example.com:7000001' });
 * ```
 */
export class SqliteStore implements TokenStore {
  readonly db: Database.Database;
  readonly table: string;
  readonly #statements: Record<string, Statement>;
  readonly #leases: SqliteLeases;

  constructor(options: SqliteStoreOptions) {
    this.table = validTableName(options.table ?? 'oauthtoken');
    this.db = openDatabase(options.path, options.busyTimeoutMs ?? 5000);
    guard('open', () => prepareSchema(this.db, this.table));
    this.#statements = prepareStatements(this.db, this.table);
    this.#leases = guard('open', () => new SqliteLeases(this.db, this.table));
  }

  async findToken(query: TokenQuery): Promise<OAuthToken | null> {
    return guard('findToken', () => this.#lookup(matchKeyOf(query)));
  }

  async findTokenById(id: string): Promise<OAuthToken | null> {
    return guard('findTokenById', () => this.#row('findById', id));
  }

  async saveToken(token: OAuthToken): Promise<OAuthToken> {
    const save = this.db.transaction(() => {
      const stored =
        token.id !== null ? this.#row('findById', token.id) : this.#lookup(matchKeyOf(token));
      const saved = planSave(token, stored, () => nextId(this.#maxId()));
      if (stored === null) this.#statements.insert!.run(...rowValues(saved));
      else this.#statements.update!.run(...rowValues(saved), stored.id);
      return saved;
    });

    return guard('saveToken', () => save.immediate());
  }

  async deleteToken(id: string): Promise<void> {
    guard('deleteToken', () => this.#statements.deleteOne!.run(id));
  }

  async getTokens(): Promise<OAuthToken[]> {
    return guard('getTokens', () => this.#statements.all!.all().map(tokenFromRow));
  }

  async deleteTokens(): Promise<void> {
    guard('deleteTokens', () => this.#statements.deleteAll!.run());
  }

  /** A lease shared by every process using this database file (see {@link SqliteLeases}). */
  async acquireLease(key: string, options: LeaseOptions): Promise<Lease | null> {
    return guardAsync('acquireLease', () => this.#leases.acquire(key, options));
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  #lookup(key: MatchKey | null): OAuthToken | null {
    if (key === null) return null;
    if (key.rule === 'user') return this.#row('findByUser', key.userSignature);
    if (key.rule === 'access-token') return this.#row('findByAccessToken', key.accessToken);

    const byGrant = key.grantToken === null ? null : this.#row('findByGrantToken', key.grantToken);
    if (byGrant !== null || key.refreshToken === null) return byGrant;
    return this.#row('findByRefreshToken', key.refreshToken);
  }

  #row(statement: string, value: string): OAuthToken | null {
    const row = this.#statements[statement]!.get(value);
    return row === undefined ? null : tokenFromRow(row);
  }

  #maxId(): number | bigint | null {
    for (const row of this.#statements.idsDescending!.iterate() as Iterable<{ id: unknown }>) {
      const id = String(row.id);
      if (/^\d+$/.test(id)) return BigInt(id);
    }

    return null;
  }
}

function openDatabase(path: string, busyTimeoutMs: number): Database.Database {
  try {
    createPrivately(path);
    const db = new Database(path, { timeout: busyTimeoutMs });
    if (path !== ':memory:') db.pragma('journal_mode = WAL');
    db.pragma(`busy_timeout = ${Math.trunc(busyTimeoutMs)}`);
    return db;
  } catch (error) {
    const reason = (error as { code?: unknown }).code ?? (error as Error).message;
    const code = reason === 'SQLITE_NOTADB' ? 'ERR_STORE_CORRUPT' : 'ERR_STORE_UNAVAILABLE';
    throw new ZohoTokensError(code, `cannot open sqlite database ${path} (${String(reason)})`, {
      cause: error,
    });
  }
}

/**
 * Creates a new database file readable by its owner only: it will hold client secrets and
 * refresh tokens. SQLite gives its `-wal` and `-shm` files the database file's mode.
 */
function createPrivately(path: string): void {
  if (path === ':memory:' || path === '' || path.startsWith('file:')) return;

  try {
    closeSync(openSync(path, 'wx', 0o600));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}

function prepareSchema(db: Database.Database, table: string): void {
  const columns = new Set(
    db
      .prepare<[string], { name: string }>(sql.TABLE_COLUMNS)
      .all(table)
      .map((row) => row.name),
  );

  if (columns.size === 0) db.exec(withTable(sql.CREATE_TABLE, table));
  const missing = columns.size === 0 ? [] : OFFICIAL_COLUMNS.filter((name) => !columns.has(name));
  if (missing.length > 0) {
    throw new ZohoTokensError(
      'ERR_STORE_SCHEMA',
      `table ${table} lacks the token columns ${missing.join(', ')}`,
    );
  }

  // A table made by the Kaizen sample or the official SDK gets our columns after its ten.
  for (const name of EXTRA_COLUMNS) {
    if (columns.size > 0 && !columns.has(name)) db.exec(withTable(sql.ADD_COLUMN[name]!, table));
  }
  for (const index of sql.CREATE_INDEXES) db.exec(withTable(index, table));
}

function prepareStatements(db: Database.Database, table: string): Record<string, Statement> {
  const texts: Record<string, string> = {
    findById: sql.FIND_BY_ID,
    findByUser: sql.FIND_BY_USER,
    findByAccessToken: sql.FIND_BY_ACCESS_TOKEN,
    findByGrantToken: sql.FIND_BY_GRANT_TOKEN,
    findByRefreshToken: sql.FIND_BY_REFRESH_TOKEN,
    all: sql.ALL,
    idsDescending: sql.IDS_DESCENDING,
    insert: sql.INSERT,
    update: sql.UPDATE,
    deleteOne: sql.DELETE_ONE,
    deleteAll: sql.DELETE_ALL,
  };

  return Object.fromEntries(
    Object.entries(texts).map(([name, text]) => [name, db.prepare(withTable(text, table))]),
  ) as Record<string, Statement>;
}

/** Runs a driver call, turning its errors into typed ones (ours pass through unchanged). */
function guard<T>(operation: string, run: () => T): T {
  try {
    return run();
  } catch (error) {
    throw storeError(operation, error);
  }
}

async function guardAsync<T>(operation: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw storeError(operation, error);
  }
}

function storeError(operation: string, error: unknown): ZohoTokensError {
  if (error instanceof ZohoTokensError) return error;

  const code = (error as { code?: unknown }).code;
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED' || code === 'SQLITE_CANTOPEN') {
    return new ZohoTokensError('ERR_STORE_UNAVAILABLE', `sqlite ${operation}: database is busy`, {
      cause: error,
    });
  }
  if (error instanceof TypeError && /not open/.test(error.message)) {
    return new ZohoTokensError('ERR_STORE_UNAVAILABLE', `sqlite ${operation}: store is closed`, {
      cause: error,
    });
  }

  return new ZohoTokensError('ERR_STORE_FAILED', `sqlite ${operation} failed`, { cause: error });
}

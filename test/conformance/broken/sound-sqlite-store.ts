/**
 * A plain, correct SQLite store: the control for the broken stores beside it. Each broken store
 * overrides exactly one of the protected methods below with one fault of the Kaizen #192
 * samples, so each must fail exactly the checks about that fault.
 */
import Database from 'better-sqlite3';
import { ZohoTokensError } from '../../../src/errors.js';
import { rowValues, type TokenRow, tokenFromRow } from '../../../src/store/columns.js';
import { type MatchKey, matchKeyOf } from '../../../src/store/matching.js';
import { nextId, planSave } from '../../../src/store/save-plan.js';
import type { TokenQuery, TokenStore } from '../../../src/store/token-store.js';
import type { OAuthToken } from '../../../src/token/oauth-token.js';

const COLUMNS = `id, user_name, client_id, client_secret, refresh_token, access_token, grant_token,
  expiry_time, redirect_url, api_domain, version, state`;

const CREATE_TABLE = `
  CREATE TABLE IF NOT EXISTS oauthtoken (
    id varchar(10) NOT NULL PRIMARY KEY,
    user_name varchar(255), client_id varchar(255), client_secret varchar(255),
    refresh_token varchar(255), access_token varchar(255), grant_token varchar(255),
    expiry_time varchar(20), redirect_url varchar(255), api_domain varchar(255),
    version integer, state text
  )`;

const LOOKUP_COLUMN = {
  userSignature: 'user_name',
  accessToken: 'access_token',
  grantToken: 'grant_token',
  refreshToken: 'refresh_token',
} as const;

type Param = string | number | null;

export class SoundSqliteStore implements TokenStore {
  readonly path: string;
  readonly db: Database.Database;

  constructor(path: string) {
    this.path = path;
    this.db = new Database(path, { timeout: 2000 });
    this.db.pragma('journal_mode = WAL');
    this.db.exec(CREATE_TABLE);
  }

  async findToken(query: TokenQuery): Promise<OAuthToken | null> {
    return guard('findToken', () => {
      const key = this.findKey(query);
      return key === null ? this.lookupWithoutKey() : this.lookup(key);
    });
  }

  async findTokenById(id: string): Promise<OAuthToken | null> {
    return guard('findTokenById', () => this.first('id', id));
  }

  async saveToken(token: OAuthToken): Promise<OAuthToken> {
    const save = this.db.transaction(() => {
      const stored =
        token.id !== null ? this.first('id', token.id) : this.lookup(matchKeyOf(token));
      const saved = planSave(token, stored, () => this.nextId());
      if (stored === null) this.insert(saved);
      else this.update(saved, stored.id!);
      return saved;
    });

    return guard('saveToken', () => save.immediate());
  }

  async deleteToken(id: string): Promise<void> {
    guard('deleteToken', () => this.execute('DELETE FROM oauthtoken WHERE id = ?', [id]));
  }

  async getTokens(): Promise<OAuthToken[]> {
    return guard('getTokens', () =>
      this.query(`SELECT ${COLUMNS} FROM oauthtoken ORDER BY CAST(id AS INTEGER)`, []).map(
        tokenFromRow,
      ),
    );
  }

  async deleteTokens(): Promise<void> {
    guard('deleteTokens', () => this.execute('DELETE FROM oauthtoken', []));
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  /** Which stored value a lookup compares (the matching rules). */
  protected findKey(query: TokenQuery): MatchKey | null {
    return matchKeyOf(query);
  }

  /** What a lookup without a key finds: nothing. */
  protected lookupWithoutKey(): OAuthToken | null {
    return null;
  }

  /** The next id: the numeric maximum plus one. */
  protected nextId(): string {
    const max = this.query('SELECT MAX(CAST(id AS INTEGER)) AS id FROM oauthtoken', [])[0]?.id;
    return nextId(max === null || max === undefined ? null : Number(max));
  }

  protected query(sql: string, params: Param[]): TokenRow[] {
    return this.db.prepare<Param[], TokenRow>(sql).all(...params);
  }

  protected execute(sql: string, params: Param[]): void {
    this.db.prepare(sql).run(...params);
  }

  protected lookup(key: MatchKey | null): OAuthToken | null {
    if (key === null) return null;
    if (key.rule === 'user') return this.first(LOOKUP_COLUMN.userSignature, key.userSignature);
    if (key.rule === 'access-token') return this.first(LOOKUP_COLUMN.accessToken, key.accessToken);

    const byGrant = key.grantToken === null ? null : this.first('grant_token', key.grantToken);
    if (byGrant !== null || key.refreshToken === null) return byGrant;
    return this.first('refresh_token', key.refreshToken);
  }

  protected first(column: string, value: string): OAuthToken | null {
    const sql = `SELECT ${COLUMNS} FROM oauthtoken WHERE ${column} = ? LIMIT 1`;
    const [row] = this.query(sql, [value]);
    return row === undefined ? null : tokenFromRow(row);
  }

  private insert(token: OAuthToken): void {
    const marks = rowValues(token)
      .map(() => '?')
      .join(', ');
    this.execute(`INSERT INTO oauthtoken (${COLUMNS}) VALUES (${marks})`, rowValues(token));
  }

  private update(token: OAuthToken, id: string): void {
    const assignments = COLUMNS.split(',').map((column) => `${column.trim()} = ?`);
    const sql = `UPDATE oauthtoken SET ${assignments.join(', ')} WHERE id = ?`;
    this.execute(sql, [...rowValues(token), id]);
  }
}

function guard<T>(operation: string, run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof ZohoTokensError) throw error;
    throw new ZohoTokensError('ERR_STORE_FAILED', `sqlite ${operation} failed`, { cause: error });
  }
}

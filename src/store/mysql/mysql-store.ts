import { type Logger, silentLogger } from '../../logger.js';
import type { OAuthToken } from '../../token/oauth-token.js';
import { matchKeyOf } from '../matching.js';
import { SerialQueue } from '../sql/serial-queue.js';
import { type ErrorSource, sqlStoreError } from '../sql/sql-errors.js';
import { acquireRowLease } from '../sql/sql-lease.js';
import { lookupToken, saveThrough } from '../sql/sql-save.js';
import type { Lease, LeaseOptions, TokenQuery, TokenStore } from '../token-store.js';
import {
  type MysqlConfig,
  type MysqlStoreOptions,
  mysqlConfig,
  mysqlOptionsFromUrl,
  mysqlTarget,
} from './mysql-config.js';
import { lockName, MysqlPool, type MysqlSession, takeNamedLock } from './mysql-db.js';
import { classifyMysqlError, isUnknownDatabase } from './mysql-errors.js';
import { mysqlLeaseRows } from './mysql-lease.js';
import { allTokens, mysqlRows } from './mysql-rows.js';
import { prepareLeaseTable, prepareTable } from './mysql-schema.js';
import * as sql from './mysql-sql.js';

export type { MysqlStoreOptions } from './mysql-config.js';

/**
 * Tokens in MySQL or MariaDB, in the official DBStore's `oauthtoken` table: a table the official
 * SDK made is used as it is (our `version` and `state` columns and lookup indexes are added after
 * its ten columns), and the official SDK keeps reading what this store writes.
 *
 * Unlike the official store it pools connections, passes every value through a placeholder,
 * compares ids as numbers,
 * and runs each save as a transaction under a named lock (`GET_LOCK`), so processes sharing the
 * table never hand out one id twice. Failures are typed: `ERR_STORE_UNAVAILABLE` (with the
 * configured timeouts), `ERR_STORE_SCHEMA`, `ERR_STORE_VALUE` (a value longer than an official
 * `varchar(255)` column is refused, never cut), `ERR_STORE_CONFLICT`.
 *
 * The driver, `mysql2`, is an optional peer dependency, loaded on first use.
 *
 * @example
 * ```ts
 * const store = MysqlStore.fromUrl('mysql://root@127.0.0.1:3306/zohooauth?table=oauthtoken');
 * const token = await store.findToken({ userSignature: 'ada@example.com:7000001' });
 * await store.close();
 * ```
 */
export class MysqlStore implements TokenStore {
  /** The database holding the token table. */
  readonly database: string;
  /** The token table, `oauthtoken` unless configured. */
  readonly table: string;
  readonly #config: MysqlConfig;
  readonly #pool: MysqlPool;
  readonly #errors: ErrorSource;
  readonly #saves = new SerialQueue();
  #tableReady: Promise<void> | null = null;
  #leaseTableReady: Promise<void> | null = null;

  constructor(options: MysqlStoreOptions = {}) {
    this.#config = mysqlConfig(options);
    this.database = this.#config.database;
    this.table = this.#config.table;
    this.#pool = new MysqlPool(this.#config, options.logger ?? silentLogger);
    this.#errors = {
      store: 'mysql',
      target: mysqlTarget(this.#config),
      classify: classifyMysqlError,
    };
  }

  /** A store for `mysql://USER:PASS@HOST:PORT/DB?table=NAME` (see {@link mysqlOptionsFromUrl}). */
  static fromUrl(url: string, options: { logger?: Logger } = {}): MysqlStore {
    return new MysqlStore({ ...mysqlOptionsFromUrl(url), ...options });
  }

  async findToken(query: TokenQuery): Promise<OAuthToken | null> {
    const key = matchKeyOf(query);
    if (key === null) return null;

    return this.#use('findToken', (session) => lookupToken(mysqlRows(session, this.table), key));
  }

  async findTokenById(id: string): Promise<OAuthToken | null> {
    return this.#use('findTokenById', (session) => mysqlRows(session, this.table).byId(id));
  }

  /**
   * Upserts under the table's save lock. Saves of one store object run one at a time (they are
   * serialised by the server lock anyway), so a burst of saves leaves the pool to the reads.
   */
  async saveToken(token: OAuthToken): Promise<OAuthToken> {
    return this.#saves.run(() => this.#save(token));
  }

  async #save(token: OAuthToken): Promise<OAuthToken> {
    return this.#use('saveToken', async (session) => {
      // Taken before the transaction starts, so its first read already sees the previous
      // holder's commit. On any failure the pool closes the connection, which frees both.
      const lock = lockName('save', this.#config);
      await takeNamedLock(session, lock, this.#config.queryTimeoutMs);
      await session.run(sql.START_TRANSACTION);
      const saved = await saveThrough(mysqlRows(session, this.table, true), token);
      await session.run(sql.COMMIT);
      await session.run(sql.RELEASE_LOCK, [lock]);
      return saved;
    });
  }

  async deleteToken(id: string): Promise<void> {
    await this.#use('deleteToken', (session) =>
      session.run(sql.statement(sql.DELETE_ONE, this.table), [id]),
    );
  }

  async getTokens(): Promise<OAuthToken[]> {
    return this.#use('getTokens', (session) => allTokens(session, this.table));
  }

  async deleteTokens(): Promise<void> {
    await this.#use('deleteTokens', (session) =>
      session.run(sql.statement(sql.DELETE_ALL, this.table)),
    );
  }

  /**
   * Takes the lease `key` for `ttlMs`, waiting up to `waitMs`; `null` when another holder kept
   * it. Leases are rows with an expiry on the server's clock (see {@link mysqlLeaseRows} for why
   * not `GET_LOCK`): any holder, crashed or hung, loses its lease when the ttl ends.
   */
  async acquireLease(key: string, options: LeaseOptions): Promise<Lease | null> {
    const rows = mysqlLeaseRows(this.#pool, this.table, () => this.#leaseTable());
    const scope = `${this.database}.${this.table}`;
    const lease = await this.#guard('acquireLease', () =>
      acquireRowLease(rows, scope, key, options),
    );
    if (lease === null) return null;

    return { key, release: () => this.#guard('releaseLease', () => lease.release()) };
  }

  /** Ends the pool; later calls reject with `ERR_STORE_UNAVAILABLE`. */
  async close(): Promise<void> {
    await this.#guard('close', () => this.#pool.end());
  }

  async #use<T>(operation: string, work: (session: MysqlSession) => Promise<T>): Promise<T> {
    return this.#guard(operation, async () => {
      await this.#ready();
      return this.#pool.session(work);
    });
  }

  async #guard<T>(operation: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw sqlStoreError(this.#errors, operation, error);
    }
  }

  /** Prepares the table once; a failed attempt (server down) is tried again on the next call. */
  #ready(): Promise<void> {
    this.#tableReady ??= this.#prepare().catch((error: unknown) => {
      this.#tableReady = null;
      throw error;
    });
    return this.#tableReady;
  }

  async #prepare(): Promise<void> {
    try {
      await this.#pool.session((session) => prepareTable(session, this.#config));
    } catch (error) {
      if (!isUnknownDatabase(error) || !this.#config.createDatabase) throw error;

      await this.#pool.createDatabase();
      await this.#pool.session((session) => prepareTable(session, this.#config));
    }
  }

  #leaseTable(): Promise<void> {
    this.#leaseTableReady ??= this.#ready()
      .then(() => this.#pool.session((session) => prepareLeaseTable(session, this.table)))
      .catch((error: unknown) => {
        this.#leaseTableReady = null;
        throw error;
      });
    return this.#leaseTableReady;
  }
}

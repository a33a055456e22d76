import { type Logger, silentLogger } from '../../logger.js';
import type { OAuthToken } from '../../token/oauth-token.js';
import { matchKeyOf } from '../matching.js';
import { SerialQueue } from '../sql/serial-queue.js';
import { type ErrorSource, sqlStoreError } from '../sql/sql-errors.js';
import { acquireRowLease } from '../sql/sql-lease.js';
import { lookupToken, saveThrough } from '../sql/sql-save.js';
import type { Lease, LeaseOptions, TokenQuery, TokenStore } from '../token-store.js';
import {
  type PostgresConfig,
  type PostgresStoreOptions,
  postgresConfig,
  postgresOptionsFromUrl,
  postgresTarget,
} from './postgres-config.js';
import { advisoryKey, PostgresPool, type PostgresSession } from './postgres-db.js';
import { classifyPostgresError, isUnknownDatabase } from './postgres-errors.js';
import { postgresLeaseRows } from './postgres-lease.js';
import { allTokens, postgresRows } from './postgres-rows.js';
import { prepareLeaseTable, prepareTable, SCHEMA_TIMEOUT_MS } from './postgres-schema.js';
import * as sql from './postgres-sql.js';

export type { PostgresStoreOptions } from './postgres-config.js';

/**
 * Tokens in PostgreSQL, in the same logical table as the official MySQL DBStore: the ten
 * official columns in the official order, then `version` and `state`; created when missing.
 *
 * Pooled, every value bound, ids compared as numbers, and each save a transaction under an
 * advisory lock (`pg_advisory_xact_lock`), so processes sharing the table never hand out one id
 * twice. Failures are typed: `ERR_STORE_UNAVAILABLE` (refused or lost connections, a server
 * shutting down, the configured timeouts), `ERR_STORE_SCHEMA`, `ERR_STORE_VALUE`,
 * `ERR_STORE_CONFLICT`.
 *
 * The driver, `pg`, is an optional peer dependency, loaded on first use.
 *
 * @example
 * ```ts
 * const store = PostgresStore.fromUrl('postgres://app@127.0.0.1:5432/zohooauth?schema=auth');
 * const token = await store.findToken({ userSignature: 'ada@example.com:7000001' });
 * await store.close();
 * ```
 */
export class PostgresStore implements TokenStore {
  /** The database holding the token table. */
  readonly database: string;
  /** The schema of the token table (and of the lease table), `public` unless configured. */
  readonly schema: string;
  /** The token table, `oauthtoken` unless configured. */
  readonly table: string;
  readonly #config: PostgresConfig;
  readonly #pool: PostgresPool;
  readonly #errors: ErrorSource;
  readonly #saves = new SerialQueue();
  #tableReady: Promise<void> | null = null;
  #leaseTableReady: Promise<void> | null = null;

  constructor(options: PostgresStoreOptions = {}) {
    this.#config = postgresConfig(options);
    this.database = this.#config.database;
    this.schema = this.#config.schema;
    this.table = this.#config.table;
    this.#pool = new PostgresPool(this.#config, options.logger ?? silentLogger);
    this.#errors = {
      store: 'postgres',
      target: postgresTarget(this.#config),
      classify: classifyPostgresError,
    };
  }

  /** A store for `postgres://USER:PASS@HOST:PORT/DB?table=NAME&schema=NAME`. */
  static fromUrl(url: string, options: { logger?: Logger } = {}): PostgresStore {
    return new PostgresStore({ ...postgresOptionsFromUrl(url), ...options });
  }

  async findToken(query: TokenQuery): Promise<OAuthToken | null> {
    const key = matchKeyOf(query);
    if (key === null) return null;

    return this.#use('findToken', (session) =>
      lookupToken(postgresRows(session, this.#config), key),
    );
  }

  async findTokenById(id: string): Promise<OAuthToken | null> {
    return this.#use('findTokenById', (session) => postgresRows(session, this.#config).byId(id));
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
      // Once the lock is ours, each statement sees the previous holder's commit. On any failure
      // the pool closes the connection, which ends the transaction and frees the lock.
      await session.run(sql.BEGIN_SAVE);
      await session.run(sql.XACT_LOCK, [advisoryKey('save', this.#config)]);
      const saved = await saveThrough(postgresRows(session, this.#config, true), token);
      await session.run(sql.COMMIT);
      return saved;
    });
  }

  async deleteToken(id: string): Promise<void> {
    await this.#use('deleteToken', (session) => session.run(this.#text(sql.DELETE_ONE), [id]));
  }

  async getTokens(): Promise<OAuthToken[]> {
    return this.#use('getTokens', (session) => allTokens(session, this.#config));
  }

  async deleteTokens(): Promise<void> {
    await this.#use('deleteTokens', (session) => session.run(this.#text(sql.DELETE_ALL)));
  }

  /**
   * Takes the lease `key` for `ttlMs`, waiting up to `waitMs`; `null` when another holder kept
   * it. Leases are rows with an expiry on the server's clock (see {@link postgresLeaseRows} for
   * why not a session advisory lock): any holder, crashed or hung, loses it when the ttl ends.
   */
  async acquireLease(key: string, options: LeaseOptions): Promise<Lease | null> {
    const rows = postgresLeaseRows(this.#pool, this.#config, () => this.#leaseTable());
    const scope = `${this.schema}.${this.table}`;
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

  #text(statement: string): string {
    return sql.statement(statement, this.schema, this.table);
  }

  async #use<T>(operation: string, work: (session: PostgresSession) => Promise<T>): Promise<T> {
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
      await this.#pool.session((session) => prepareTable(session, this.#config), SCHEMA_TIMEOUT_MS);
    } catch (error) {
      if (!isUnknownDatabase(error) || !this.#config.createDatabase) throw error;

      await this.#pool.createDatabase();
      await this.#pool.session((session) => prepareTable(session, this.#config), SCHEMA_TIMEOUT_MS);
    }
  }

  #leaseTable(): Promise<void> {
    this.#leaseTableReady ??= this.#ready()
      .then(() =>
        this.#pool.session(
          (session) => prepareLeaseTable(session, this.#config),
          SCHEMA_TIMEOUT_MS,
        ),
      )
      .catch((error: unknown) => {
        this.#leaseTableReady = null;
        throw error;
      });
    return this.#leaseTableReady;
  }
}

import { createHash } from 'node:crypto';
import type { Pool, PoolConnection } from 'mysql2/promise';
import { ZohoTokensError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import { Deadlines } from '../sql/deadlines.js';
import { importDriver } from '../sql/sql-driver.js';
import { errorCode } from '../sql/sql-errors.js';
import type { MysqlConfig } from './mysql-config.js';
import * as sql from './mysql-sql.js';

/** One pooled connection, lent to one operation. */
export interface MysqlSession {
  /**
   * Runs one statement, its `?` placeholders filled with `values` by the driver's escaping.
   * Bounded by the query timeout unless `timeoutMs` says otherwise.
   */
  run<R>(text: string, values?: readonly unknown[], timeoutMs?: number): Promise<R>;
}

type Driver = typeof import('mysql2/promise');

/**
 * The store's connection pool: created on first use (so importing the store never loads
 * mysql2), strict sessions, and a bound on every wait.
 */
export class MysqlPool {
  readonly #config: MysqlConfig;
  readonly #logger: Logger;
  readonly #strict = new WeakSet<object>();
  readonly #deadlines = new Deadlines();
  #driver: Promise<Driver> | null = null;
  #pool: Pool | null = null;
  #closed = false;

  constructor(config: MysqlConfig, logger: Logger) {
    this.#config = config;
    this.#logger = logger;
  }

  /**
   * Lends a connection to `work`. A connection whose work failed is closed, never returned:
   * the server then rolls back its transaction and frees its named locks.
   */
  async session<T>(work: (session: MysqlSession) => Promise<T>): Promise<T> {
    const connection = await this.#acquire(await this.#openPool());
    try {
      await this.#makeStrict(connection);
      const result = await work(this.#sessionOf(connection));
      connection.release();
      return result;
    } catch (error) {
      this.#logger.debug('mysql connection closed after a failed statement', {
        code: errorCode(error),
      });
      connection.destroy();
      throw error;
    }
  }

  /** Creates the configured database, through a connection that names no database. */
  async createDatabase(): Promise<void> {
    const driver = await this.#loadDriver();
    const { host, port, user, password, connectTimeoutMs, database } = this.#config;
    const connection = await driver.createConnection({
      host,
      port,
      user,
      password,
      connectTimeout: connectTimeoutMs,
    });
    try {
      const text = sql.CREATE_DATABASE.replace('{db}', `\`${database}\``);
      await connection.query({ sql: text, timeout: this.#config.queryTimeoutMs });
    } finally {
      connection.destroy();
    }
  }

  async end(): Promise<void> {
    this.#closed = true;
    const pool = this.#pool;
    this.#pool = null;
    if (pool !== null) await pool.end();
  }

  async #openPool(): Promise<Pool> {
    const driver = await this.#loadDriver();
    if (this.#closed) throw closedError();

    this.#pool ??= driver.createPool({
      host: this.#config.host,
      port: this.#config.port,
      user: this.#config.user,
      password: this.#config.password,
      database: this.#config.database,
      connectionLimit: this.#config.connectionLimit,
      connectTimeout: this.#config.connectTimeoutMs,
      waitForConnections: true,
      queueLimit: 0,
      enableKeepAlive: true,
      supportBigNumbers: true,
      bigNumberStrings: true,
      // mysql2 otherwise records a stack trace on every query: about 55 µs a lookup here, more
      // than the store's own work. Our errors carry their own context.
      trace: false,
    });
    return this.#pool;
  }

  #loadDriver(): Promise<Driver> {
    // A failed import is not remembered: installing the package fixes the next call.
    this.#driver ??= importDriver(() => import('mysql2/promise'), 'mysql2', 'mysql').catch(
      (error: unknown) => {
        this.#driver = null;
        throw error;
      },
    );
    return this.#driver;
  }

  /**
   * Waits for a pooled connection at most `connectTimeoutMs`. mysql2 bounds a new connection's
   * handshake but not the queue for a busy pool, where a caller could otherwise wait forever.
   */
  async #acquire(pool: Pool): Promise<PoolConnection> {
    const waitMs = this.#config.connectTimeoutMs;
    const pending = pool.getConnection();
    // The abandoned request may still get a connection later: hand it straight back. Its own
    // failure, if any, is already reported by the race.
    const giveBack = () =>
      pending.then(
        (late) => late.release(),
        () => undefined,
      );
    return this.#deadlines.race(pending, waitMs, () => acquireTimeout(waitMs), giveBack);
  }

  async #makeStrict(connection: PoolConnection): Promise<void> {
    if (this.#strict.has(connection.connection)) return;

    const { queryTimeoutMs } = this.#config;
    const lockWaitSeconds = Math.max(1, Math.ceil(queryTimeoutMs / 1000));
    await connection.query({
      sql: sql.SESSION_SETUP,
      values: [lockWaitSeconds],
      timeout: queryTimeoutMs,
    });
    this.#strict.add(connection.connection);
  }

  #sessionOf(connection: PoolConnection): MysqlSession {
    const queryTimeoutMs = this.#config.queryTimeoutMs;
    const deadlines = this.#deadlines;
    return {
      async run<R>(text: string, values?: readonly unknown[], timeoutMs = queryTimeoutMs) {
        // Not `execute()`: mysql2 starts its timeout only after the statement is prepared, so a
        // server that stops answering during the prepare step would hang the call for ever.
        // The escaping `query()` does is sound here because every session sets its own
        // sql_mode, which leaves out NO_BACKSLASH_ESCAPES. The timeout is ours (one timer for
        // all queries): a query still running at its deadline loses its connection.
        const query = connection.query({
          sql: text,
          values: values === undefined ? undefined : [...values],
        });
        const [result] = await deadlines.race(
          query,
          timeoutMs,
          () => queryTimeout(timeoutMs),
          () => connection.destroy(),
        );
        return result as R;
      },
    };
  }
}

/**
 * The name of a server-wide named lock for this database and table. `GET_LOCK` names are
 * limited to 64 characters, so the table's full name is digested.
 */
export function lockName(purpose: 'save' | 'schema', config: MysqlConfig): string {
  const digest = createHash('sha256').update(`${config.database}.${config.table}`).digest('hex');
  return `zoho-tokens:${purpose}:${digest.slice(0, 32)}`;
}

/**
 * Takes a named lock on the session's connection, waiting up to `waitMs` (whole seconds, the
 * unit GET_LOCK takes in both MySQL and MariaDB). The lock ends with the connection.
 */
export async function takeNamedLock(
  session: MysqlSession,
  name: string,
  waitMs: number,
): Promise<void> {
  const waitSeconds = Math.max(1, Math.ceil(waitMs / 1000));
  const rows = await session.run<{ acquired: number | string | null }[]>(
    sql.GET_LOCK,
    [name, waitSeconds],
    waitSeconds * 1000 + 2000,
  );
  if (Number(rows[0]?.acquired) === 1) return;

  throw new ZohoTokensError(
    'ERR_STORE_UNAVAILABLE',
    `mysql: lock ${name} still held by another connection after ${waitSeconds} s`,
  );
}

export async function releaseNamedLock(session: MysqlSession, name: string): Promise<void> {
  await session.run(sql.RELEASE_LOCK, [name]);
}

function queryTimeout(waitedMs: number): Error {
  return Object.assign(new Error(`no answer from mysql within ${waitedMs} ms`), {
    code: 'PROTOCOL_SEQUENCE_TIMEOUT',
  });
}

function acquireTimeout(waitedMs: number): Error {
  return Object.assign(new Error(`no pooled connection within ${waitedMs} ms`), {
    code: 'ETIMEDOUT',
  });
}

function closedError(): ZohoTokensError {
  return new ZohoTokensError('ERR_STORE_UNAVAILABLE', 'mysql store is closed');
}

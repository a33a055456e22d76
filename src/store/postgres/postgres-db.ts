import { createHash } from 'node:crypto';
import type { Pool, PoolClient, QueryConfig, QueryResultRow } from 'pg';
import { ZohoTokensError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import { importDriver } from '../sql/sql-driver.js';
import { errorCode } from '../sql/sql-errors.js';
import type { PostgresConfig } from './postgres-config.js';
import * as sql from './postgres-sql.js';

/** One pooled client, lent to one operation. */
export interface PostgresSession {
  /** Runs one statement with bound values (`$1`, `$2`, ...). */
  run<R extends QueryResultRow = QueryResultRow>(
    text: string,
    values?: readonly unknown[],
  ): Promise<{ rows: R[]; rowCount: number | null }>;
}

type Driver = typeof import('pg');

// A server that stops answering mid-query is noticed by the client this long after the
// server-side statement_timeout would have cancelled the statement.
const CLIENT_GRACE_MS = 1000;

/**
 * The store's connection pool: created on first use (so importing the store never loads pg),
 * with a server-side statement timeout and a client-side one behind it.
 */
export class PostgresPool {
  readonly #config: PostgresConfig;
  readonly #logger: Logger;
  #driver: Promise<Driver> | null = null;
  #pool: Pool | null = null;
  #closed = false;

  constructor(config: PostgresConfig, logger: Logger) {
    this.#config = config;
    this.#logger = logger;
  }

  /**
   * Lends a client to `work`, its statements bounded by `timeoutMs` (the query timeout unless
   * said otherwise; the server-side `statement_timeout` is set per pool, or by `SET LOCAL`). A
   * client whose work failed is closed, never returned: the server then rolls back its
   * transaction and frees its advisory locks.
   */
  async session<T>(
    work: (session: PostgresSession) => Promise<T>,
    timeoutMs = this.#config.queryTimeoutMs,
  ): Promise<T> {
    const client = await (await this.#openPool()).connect();
    // pg-pool listens for errors of idle clients only; a lent client whose connection drops
    // emits 'error' too, and unheard that would end the process. The statement in flight (or
    // the next one) rejects with the same failure, so noting it is enough.
    const onLost = (error: Error) => this.#logLost(error);
    client.on('error', onLost);
    try {
      const result = await work(sessionOf(client, timeoutMs + CLIENT_GRACE_MS));
      client.release();
      client.off('error', onLost);
      return result;
    } catch (error) {
      this.#logger.debug('postgres connection closed after a failed statement', {
        code: errorCode(error),
      });
      client.release(true);
      throw error;
    }
  }

  /** Creates the configured database, through the `postgres` maintenance database. */
  async createDatabase(): Promise<void> {
    const driver = await this.#loadDriver();
    const client = new driver.Client({ ...this.#connection(), database: 'postgres' });
    client.on('error', (error) => this.#logLost(error));
    try {
      await client.connect();
      await client.query(sql.CREATE_DATABASE.replace('{db}', `"${this.#config.database}"`));
    } catch (error) {
      // Another process created it first.
      if (errorCode(error) !== '42P04') throw error;
    } finally {
      await client.end();
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
    if (this.#closed)
      throw new ZohoTokensError('ERR_STORE_UNAVAILABLE', 'postgres store is closed');

    if (this.#pool === null) {
      this.#pool = new driver.Pool({ ...this.#connection(), max: this.#config.connectionLimit });
      // An idle client that breaks (a server restart) is reported here, and dropped by the pool.
      this.#pool.on('error', (error) => this.#logLost(error));
    }
    return this.#pool;
  }

  #logLost(error: Error): void {
    this.#logger.warn('postgres connection lost', { code: errorCode(error) });
  }

  #connection() {
    const config = this.#config;
    return {
      host: config.host,
      port: config.port,
      user: config.user,
      password: config.password,
      database: config.database,
      connectionTimeoutMillis: config.connectTimeoutMs,
      statement_timeout: config.queryTimeoutMs,
      query_timeout: config.queryTimeoutMs + CLIENT_GRACE_MS,
      keepAlive: true,
      application_name: 'zoho-tokens',
    };
  }

  #loadDriver(): Promise<Driver> {
    // A failed import is not remembered: installing the package fixes the next call.
    this.#driver ??= importDriver(() => import('pg'), 'pg', 'postgres').catch((error: unknown) => {
      this.#driver = null;
      throw error;
    });
    return this.#driver;
  }
}

/**
 * The 64-bit advisory lock key for this table and purpose: advisory locks are database-wide,
 * so the key is a digest of the schema and table names.
 */
export function advisoryKey(purpose: 'save' | 'schema', config: PostgresConfig): string {
  const digest = createHash('sha256')
    .update(`zoho-tokens:${purpose}:${config.schema}.${config.table}`)
    .digest('hex');
  return BigInt.asIntN(64, BigInt(`0x${digest.slice(0, 16)}`)).toString();
}

/**
 * A stable name per statement text. Named statements are parsed and planned once per
 * connection; unnamed ones on every call, which roughly doubles the cost of a lookup.
 */
const statementNames = new Map<string, string>();

function statementName(text: string): string {
  let name = statementNames.get(text);
  if (name === undefined) {
    name = `zt_${createHash('sha256').update(text).digest('hex').slice(0, 24)}`;
    statementNames.set(text, name);
  }
  return name;
}

function sessionOf(client: PoolClient, readTimeoutMs: number): PostgresSession {
  return {
    async run(text, values) {
      // pg honours a per-query `query_timeout`; its type definitions just do not list it.
      // Statements with parameters are the repeated ones (lookups, saves): those get a name.
      const query: QueryConfig & { query_timeout: number } = {
        text,
        values: values === undefined ? undefined : [...values],
        query_timeout: readTimeoutMs,
        ...(values === undefined ? {} : { name: statementName(text) }),
      };
      const result = await client.query(query);
      return { rows: result.rows, rowCount: result.rowCount };
    },
  };
}

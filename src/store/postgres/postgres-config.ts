import type { Logger } from '../../logger.js';
import { validTableName } from '../identifier.js';
import {
  parseServerUrl,
  positiveInteger,
  positiveOption,
  validDatabaseName,
} from '../sql/sql-url.js';

/** Options of {@link PostgresStore}. */
export interface PostgresStoreOptions {
  /** Default `localhost`. */
  host?: string;
  /** Default 5432. */
  port?: number;
  /** Default: pg's own (`PGUSER`, else the operating-system user). */
  user?: string;
  /** Default: pg's own (`PGPASSWORD`, `~/.pgpass`, or none). */
  password?: string;
  /** Default `zohooauth`, as for the MySQL store; created when missing. */
  database?: string;
  /** Default `public`; created when missing. */
  schema?: string;
  /** Default `oauthtoken`. */
  table?: string;
  /** Bounds opening a connection and waiting for a free one in the pool. Default 10000. */
  connectTimeoutMs?: number;
  /** Bounds each statement, including the wait for the save lock. Default 10000. */
  queryTimeoutMs?: number;
  /** Connections in the pool. Default 10. */
  connectionLimit?: number;
  /** Create the database when it does not exist (through the `postgres` database). Default true. */
  createDatabase?: boolean;
  /** Receives pool events (never a token value). Silent by default. */
  logger?: Logger;
}

/** The options with every default applied and every value checked. */
export type PostgresConfig = Required<Omit<PostgresStoreOptions, 'logger' | 'user' | 'password'>> &
  Pick<PostgresStoreOptions, 'user' | 'password'>;

const URL_OPTIONS = [
  'table',
  'schema',
  'connectTimeoutMs',
  'queryTimeoutMs',
  'connectionLimit',
] as const;

/** Applies the defaults and checks names and numbers. */
export function postgresConfig(options: PostgresStoreOptions): PostgresConfig {
  return {
    host: options.host ?? 'localhost',
    port: positiveInteger(options.port ?? 5432, 'port'),
    user: options.user,
    password: options.password,
    database: validDatabaseName(options.database ?? 'zohooauth'),
    schema: validTableName(options.schema ?? 'public'),
    table: validTableName(options.table ?? 'oauthtoken'),
    connectTimeoutMs: positiveInteger(options.connectTimeoutMs ?? 10_000, 'connectTimeoutMs'),
    queryTimeoutMs: positiveInteger(options.queryTimeoutMs ?? 10_000, 'queryTimeoutMs'),
    connectionLimit: positiveInteger(options.connectionLimit ?? 10, 'connectionLimit'),
    createDatabase: options.createDatabase ?? true,
  };
}

/**
 * Reads `postgres://USER:PASS@HOST:PORT/DB?table=NAME&schema=NAME` (also `postgresql://`). The
 * query may also set `connectTimeoutMs`, `queryTimeoutMs` and `connectionLimit`.
 */
export function postgresOptionsFromUrl(url: string): PostgresStoreOptions {
  const parts = parseServerUrl(url, ['postgres', 'postgresql'], URL_OPTIONS);
  return {
    host: parts.host,
    port: parts.port,
    user: parts.user,
    password: parts.password,
    database: parts.database,
    schema: parts.query.get('schema'),
    table: parts.query.get('table'),
    connectTimeoutMs: positiveOption(parts, 'connectTimeoutMs', url),
    queryTimeoutMs: positiveOption(parts, 'queryTimeoutMs', url),
    connectionLimit: positiveOption(parts, 'connectionLimit', url),
  };
}

/** Where the store points, for messages: never the password. */
export function postgresTarget(config: PostgresConfig): string {
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  const user = config.user === undefined ? '' : `${config.user}@`;
  const table = `${config.schema}.${config.table}`;
  return `postgres://${user}${host}:${config.port}/${config.database}?table=${table}`;
}

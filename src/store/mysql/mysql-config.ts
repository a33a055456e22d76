import type { Logger } from '../../logger.js';
import { validTableName } from '../identifier.js';
import {
  parseServerUrl,
  positiveInteger,
  positiveOption,
  validDatabaseName,
} from '../sql/sql-url.js';

/** Options of {@link MysqlStore}; the defaults are the official DBStore's. */
export interface MysqlStoreOptions {
  /** Default `localhost`. */
  host?: string;
  /** Default 3306. */
  port?: number;
  /** Default `root`. */
  user?: string;
  /** Default empty. */
  password?: string;
  /** Default `zohooauth`; created when missing (unless `createDatabase` is false). */
  database?: string;
  /** Default `oauthtoken`. */
  table?: string;
  /** Bounds opening a connection and waiting for a free one in the pool. Default 10000. */
  connectTimeoutMs?: number;
  /** Bounds each statement, including the wait for the save lock. Default 10000. */
  queryTimeoutMs?: number;
  /** Connections in the pool. Default 10. */
  connectionLimit?: number;
  /** Create the database when it does not exist. Default true. */
  createDatabase?: boolean;
  /** Receives pool events (never a token value). Silent by default. */
  logger?: Logger;
}

/** The options with every default applied and every value checked. */
export type MysqlConfig = Required<Omit<MysqlStoreOptions, 'logger'>>;

/** The query options a `mysql://` URL may carry. */
const URL_OPTIONS = ['table', 'connectTimeoutMs', 'queryTimeoutMs', 'connectionLimit'] as const;

/** Applies the defaults of the official DBStore and checks names and numbers. */
export function mysqlConfig(options: MysqlStoreOptions): MysqlConfig {
  return {
    host: options.host ?? 'localhost',
    port: positiveInteger(options.port ?? 3306, 'port'),
    user: options.user ?? 'root',
    password: options.password ?? '',
    database: validDatabaseName(options.database ?? 'zohooauth'),
    table: validTableName(options.table ?? 'oauthtoken'),
    connectTimeoutMs: positiveInteger(options.connectTimeoutMs ?? 10_000, 'connectTimeoutMs'),
    queryTimeoutMs: positiveInteger(options.queryTimeoutMs ?? 10_000, 'queryTimeoutMs'),
    connectionLimit: positiveInteger(options.connectionLimit ?? 10, 'connectionLimit'),
    createDatabase: options.createDatabase ?? true,
  };
}

/**
 * Reads `mysql://USER:PASS@HOST:PORT/DB?table=NAME`. The query may also set
 * `connectTimeoutMs`, `queryTimeoutMs` and `connectionLimit`; absent parts take the defaults.
 */
export function mysqlOptionsFromUrl(url: string): MysqlStoreOptions {
  const parts = parseServerUrl(url, ['mysql'], URL_OPTIONS);
  return {
    host: parts.host,
    port: parts.port,
    user: parts.user,
    password: parts.password,
    database: parts.database,
    table: parts.query.get('table'),
    connectTimeoutMs: positiveOption(parts, 'connectTimeoutMs', url),
    queryTimeoutMs: positiveOption(parts, 'queryTimeoutMs', url),
    connectionLimit: positiveOption(parts, 'connectionLimit', url),
  };
}

/** Where the store points, for messages: never the password. */
export function mysqlTarget(config: MysqlConfig): string {
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  return `mysql://${config.user}@${host}:${config.port}/${config.database}?table=${config.table}`;
}

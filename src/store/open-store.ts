import { ZohoTokensError } from '../errors.js';
import { type Logger, silentLogger } from '../logger.js';
import { MemoryStore } from './memory/memory-store.js';
import { parseStoreUrl, pathAndQuery, redactStoreUrl, refuseUnknownOptions } from './store-url.js';
import type { TokenStore } from './token-store.js';

/** Options for {@link openStore}. */
export interface OpenStoreOptions {
  logger?: Logger;
  /**
   * Encryption keys for `encrypted+` URLs, as `KEYID:BASE64KEY` entries separated by commas
   * (the first is the current key). Defaults to the `ZOHO_TOKENS_KEYS` environment variable.
   */
  keys?: string;
}

type StoreOpener = (
  url: string,
  options: Required<Pick<OpenStoreOptions, 'logger'>> & OpenStoreOptions,
) => Promise<TokenStore>;

/**
 * One opener per scheme. Drivers are imported only when their scheme is used, so importing
 * the library never loads mysql2, pg or a Redis client.
 */
const OPENERS: Record<string, StoreOpener> = {
  memory: async (url) => {
    refuseUnknownOptions(url, queryOf(url), []);
    return new MemoryStore();
  },
  mysql: async (url, { logger }) =>
    (await import('./mysql/mysql-store.js')).MysqlStore.fromUrl(url, { logger }),
  postgres: async (url, { logger }) =>
    (await import('./postgres/postgres-store.js')).PostgresStore.fromUrl(url, { logger }),
  postgresql: async (url, { logger }) =>
    (await import('./postgres/postgres-store.js')).PostgresStore.fromUrl(url, { logger }),
  redis: async (url, { logger }) =>
    new (await import('./redis/redis-store.js')).RedisStore({ url, logger }),
  rediss: async (url, { logger }) =>
    new (await import('./redis/redis-store.js')).RedisStore({ url, logger }),
  sqlite: async (url) => {
    const { path, query } = pathAndQuery(url, 'sqlite');
    refuseUnknownOptions(url, query, ['table']);
    const { SqliteStore } = await import('./sqlite/sqlite-store.js');
    return new SqliteStore({ path, table: query.get('table') ?? undefined });
  },
  file: async (url, { logger }) => {
    const { path, query } = pathAndQuery(url, 'file');
    refuseUnknownOptions(url, query, []);
    const { FileStore } = await import('./file/file-store.js');
    return new FileStore({ path, logger });
  },
};

/** The query of a URL that has no path to speak of, such as `memory:`. */
function queryOf(url: string): URLSearchParams {
  const at = url.indexOf('?');
  return new URLSearchParams(at === -1 ? '' : url.slice(at + 1));
}

/** The schemes {@link openStore} understands. */
export function storeSchemes(): string[] {
  return Object.keys(OPENERS);
}

/**
 * Opens the store a URL names:
 * - `memory:`: this process's memory;
 * - `sqlite:zohooauth.db`, `sqlite::memory:` (option `?table=NAME`);
 * - `file:sdk_tokens.csv` (no options);
 *
 * and, where their drivers are installed, the MySQL, PostgreSQL and Redis stores; any of them
 * also behind `encrypted+` for encryption at rest. A query option the store does not know is
 * refused with `ERR_STORE_URL`.
 *
 * @example
 * ```ts
 * const store = await openStore(process.env.ZOHO_TOKEN_STORE ?? 'sqlite:zohooauth.db');
 * ```
 */
export async function openStore(url: string, options: OpenStoreOptions = {}): Promise<TokenStore> {
  const { scheme, encrypted, inner } = parseStoreUrl(url);
  const open = OPENERS[scheme];
  if (open === undefined) {
    throw new ZohoTokensError(
      'ERR_STORE_URL',
      `unknown store scheme "${scheme}" in ${redactStoreUrl(url)} ` +
        `(known: ${storeSchemes().join(', ')})`,
    );
  }

  // Keys first: a missing key must not leave an opened store (a pool, a socket) behind.
  const keyring = encrypted
    ? (await import('./encrypted/keyring.js')).Keyring.load(options.keys)
    : null;
  const store = await open(inner, { logger: silentLogger, ...options });
  if (keyring === null) return store;

  const { EncryptedStore } = await import('./encrypted/encrypted-store.js');
  return new EncryptedStore(store, keyring);
}

import { ZohoTokensError } from '../errors.js';
import { type Logger, silentLogger } from '../logger.js';
import { MemoryStore } from './memory/memory-store.js';
import { parseStoreUrl, pathAndQuery, redactStoreUrl } from './store-url.js';
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
  memory: async () => new MemoryStore(),
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
    const { SqliteStore } = await import('./sqlite/sqlite-store.js');
    const { path, query } = pathAndQuery(url, 'sqlite');
    return new SqliteStore({ path, table: query.get('table') ?? undefined });
  },
  file: async (url, { logger }) => {
    const { FileStore } = await import('./file/file-store.js');
    return new FileStore({ path: pathAndQuery(url, 'file').path, logger });
  },
};

/** The schemes {@link openStore} understands. */
export function storeSchemes(): string[] {
  return Object.keys(OPENERS);
}

/**
 * Opens the store a URL names:
 * - `memory:`: this process's memory;
 * - `sqlite:zohooauth.db`, `sqlite::memory:` (option `?table=NAME`);
 *
 * and, where installed, the file, MySQL, PostgreSQL and Redis stores, each also behind
 * `encrypted+` for encryption at rest.
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

/**
 * zoho-tokens: Zoho OAuth tokens kept persisted and fresh for programs that call Zoho CRM.
 *
 * @packageDocumentation
 */
export { type ErrorCode, isZohoTokensError, ZohoTokensError } from './errors.js';
export { type Logger, type LogLevel, lineLogger, silentLogger } from './logger.js';
export { type RefreshLimit, ZOHO_REFRESH_LIMIT } from './manager/refresh-limiter.js';
export {
  type GrantExchangeOptions,
  TokenManager,
  type TokenManagerOptions,
  type TokenManagerStats,
} from './manager/token-manager.js';
export { cacheKeyOf, type TokenRef } from './manager/token-ref.js';
export * from './migrate/index.js';
export {
  AccountsClient,
  type AccountsClientOptions,
  type ClientCredentials,
  type RetryPolicy,
  type TokenGrant,
} from './oauth/accounts-client.js';
export {
  customEnvironment,
  DATA_CENTRES,
  type DataCentreCode,
  dataCentre,
  type EnvironmentKind,
  environmentForApiDomain,
  revokeEndpoint,
  tokenEndpoint,
  type ZohoEnvironment,
} from './oauth/data-centres.js';
export { type FailureKind, OAuthError } from './oauth/oauth-error.js';
export { lookupUserSignature } from './oauth/user-lookup.js';
export { EncryptedStore } from './store/encrypted/encrypted-store.js';
export { generateKey, type KeyEntry, Keyring } from './store/encrypted/keyring.js';
export { type RotationResult, rotateKeys } from './store/encrypted/rotate-keys.js';
export { FileStore, type FileStoreOptions } from './store/file/file-store.js';
export { findMatch, type MatchKey, matchKeyOf } from './store/matching.js';
export { MemoryStore } from './store/memory/memory-store.js';
export { MysqlStore, type MysqlStoreOptions } from './store/mysql/mysql-store.js';
export { type OpenStoreOptions, openStore, storeSchemes } from './store/open-store.js';
export { PostgresStore, type PostgresStoreOptions } from './store/postgres/postgres-store.js';
export { RedisStore, type RedisStoreOptions } from './store/redis/redis-store.js';
export { nextId, planSave } from './store/save-plan.js';
export { SqliteStore, type SqliteStoreOptions } from './store/sqlite/sqlite-store.js';
export { parseStoreUrl, redactStoreUrl } from './store/store-url.js';
export {
  hasLeases,
  type Lease,
  type LeaseOptions,
  type TokenQuery,
  type TokenStore,
} from './store/token-store.js';
export * from './token/index.js';

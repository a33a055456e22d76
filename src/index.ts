/**
 * zoho-tokens: Zoho OAuth tokens kept persisted and fresh for programs that call Zoho CRM.
 *
 * @packageDocumentation
 */
export { type ErrorCode, isZohoTokensError, ZohoTokensError } from './errors.js';
export { type Logger, type LogLevel, lineLogger, silentLogger } from './logger.js';
export { findMatch, type MatchKey, matchKeyOf } from './store/matching.js';
export { MemoryStore } from './store/memory/memory-store.js';
export { type OpenStoreOptions, openStore, storeSchemes } from './store/open-store.js';
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

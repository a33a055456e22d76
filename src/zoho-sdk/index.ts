/**
 * zoho-tokens for users of the official `@zohocrm/typescript-sdk-8.0`: any zoho-tokens store,
 * plugged into the official SDK through its `TokenStore` contract.
 *
 * The official SDK is an optional peer dependency. Only this entry point uses it, and only
 * when an adapter is used without being given the SDK's classes.
 *
 * @packageDocumentation
 */
export { loadZohoSdk, ZOHO_SDK_PACKAGE } from './load-sdk.js';
export { toZohoSdkStore, ZohoSdkStore, type ZohoSdkStoreOptions } from './sdk-store.js';
export { fillSdkToken, fromSdkToken, toSdkToken } from './sdk-token.js';
export type { SdkOAuthToken, SdkOAuthTokenClass, SdkUserSignature, ZohoSdk } from './sdk-types.js';

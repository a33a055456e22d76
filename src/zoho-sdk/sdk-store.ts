import { ZohoTokensError } from '../errors.js';
import type { TokenStore } from '../store/token-store.js';
import { loadZohoSdk, sdkClasses, ZOHO_SDK_PACKAGE } from './load-sdk.js';
import { fillSdkToken, fromSdkToken, toSdkToken } from './sdk-token.js';
import type { SdkOAuthToken, ZohoSdk } from './sdk-types.js';

/** Options of {@link toZohoSdkStore}. */
export interface ZohoSdkStoreOptions {
  /**
   * The official module (or just its `OAuthToken` and `UserSignature`). Pass the one your app
   * imports; without it the adapter imports `@zohocrm/typescript-sdk-8.0` itself on first use.
   */
  sdk?: ZohoSdk;
}

/**
 * A zoho-tokens store seen through the official SDK's six-method `TokenStore`, converting
 * tokens both ways. It keeps the official semantics the SDK core relies on:
 * - `findToken(token)` fills the given token's absent fields from the stored one and returns
 *   that same object, or `null`;
 * - `findTokenById(id)` returns a new official token, or `null` (the core then carries on with
 *   its own token; the official stores throw or hang instead);
 * - `saveToken(token)` upserts and sets the id the store assigned on the given token.
 *
 * What the wrapped store adds reaches the SDK unchanged: its locking and id rules, its typed
 * errors (as rejections, never as hangs or unhandled rejections), `[]` from an empty
 * `getTokens`, and no token ever matched by accident.
 */
export class ZohoSdkStore {
  /** The zoho-tokens store behind the adapter. */
  readonly store: TokenStore;
  #sdk: ZohoSdk | null;

  constructor(store: TokenStore, options: ZohoSdkStoreOptions = {}) {
    this.store = store;
    this.#sdk = options.sdk === undefined ? null : sdkClasses(options.sdk);
  }

  async findToken(token: SdkOAuthToken): Promise<SdkOAuthToken | null> {
    const sdk = await this.#classes();
    checkToken(token, sdk);

    const stored = await this.store.findToken(fromSdkToken(token));
    if (stored === null) return null;

    fillSdkToken(token, stored, sdk);
    return token;
  }

  async findTokenById(id: string): Promise<SdkOAuthToken | null> {
    const sdk = await this.#classes();
    const stored = await this.store.findTokenById(id);

    return stored === null ? null : toSdkToken(stored, sdk);
  }

  async saveToken(token: SdkOAuthToken): Promise<void> {
    checkToken(token, await this.#classes());

    const saved = await this.store.saveToken(fromSdkToken(token));
    token.setId(saved.id);
  }

  async deleteToken(id: string): Promise<void> {
    await this.store.deleteToken(id);
  }

  async getTokens(): Promise<SdkOAuthToken[]> {
    const sdk = await this.#classes();
    const tokens = await this.store.getTokens();

    return tokens.map((token) => toSdkToken(token, sdk));
  }

  async deleteTokens(): Promise<void> {
    await this.store.deleteTokens();
  }

  async #classes(): Promise<ZohoSdk> {
    this.#sdk ??= await loadZohoSdk();
    return this.#sdk;
  }
}

/**
 * Lets the official `@zohocrm/typescript-sdk-8.0` keep its tokens in any zoho-tokens store.
 *
 * @example
 * ```ts
 * import * as sdk from '@zohocrm/typescript-sdk-8.0';
 * import { openStore } from 'zoho-tokens';
 * import { toZohoSdkStore } from 'zoho-tokens/zoho-sdk';
 *
 * const store = toZohoSdkStore(await openStore('mysql://root@127.0.0.1:3306/zohooauth'), { sdk });
 * await new sdk.InitializeBuilder()
 *   .environment(sdk.USDataCenter.PRODUCTION())
 *   .token(new sdk.OAuthBuilder().clientId(id).clientSecret(secret).refreshToken(rt).build())
 *   .store(store)
 *   .initialize();
 * ```
 */
export function toZohoSdkStore(store: TokenStore, options: ZohoSdkStoreOptions = {}): ZohoSdkStore {
  return new ZohoSdkStore(store, options);
}

// The SDK core tests its tokens with `instanceof`: a token from another copy of the package
// would make every token this adapter returns look foreign, and the core would then silently
// return no access token. Refuse it here, where the cause is still visible.
function checkToken(token: SdkOAuthToken, sdk: ZohoSdk): void {
  if (token instanceof sdk.OAuthToken) return;

  throw new ZohoTokensError(
    'ERR_INVALID_ARGUMENT',
    `token is not an OAuthToken of the ${ZOHO_SDK_PACKAGE} copy the adapter uses; ` +
      'pass that module as the sdk option',
  );
}

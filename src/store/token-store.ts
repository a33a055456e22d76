import type { OAuthToken, TokenFields } from '../token/oauth-token.js';

/**
 * The values a lookup may carry. `findToken` picks one of them by the matching rules
 * (see {@link matchKeyOf}); an `OAuthToken` fits as it is.
 */
export type TokenQuery = Partial<
  Pick<
    TokenFields,
    'userSignature' | 'accessToken' | 'clientId' | 'clientSecret' | 'grantToken' | 'refreshToken'
  >
>;

/**
 * A lease: the right, for a limited time, to refresh one token while other processes and
 * machines wait. A holder that crashes loses it when the TTL runs out.
 */
export interface Lease {
  readonly key: string;
  /** Releases the lease if this holder still owns it; releasing twice is harmless. */
  release(): Promise<void>;
}

/** How long a lease lives, and how long to wait for one that another holder has. */
export interface LeaseOptions {
  ttlMs: number;
  waitMs: number;
}

/**
 * Where tokens are kept: six methods with the names and meaning of the official Zoho SDKs'
 * `TokenStore`, plus optional capabilities.
 *
 * Rules every store keeps (the conformance kit checks them):
 * - `findToken` matches by user name, else by access token (only without client credentials),
 *   else by grant token then refresh token, else nothing; it never returns an arbitrary row.
 * - `saveToken` upserts: the row with the token's id, else the matching row, is updated (absent
 *   fields keep their stored values), else a row is inserted with a new decimal id. A token
 *   carrying a `version` different from the stored one is refused with `ERR_STORE_CONFLICT`.
 * - Misses are `null`; deleting an unknown id is not an error; failures reject with a
 *   `ZohoTokensError` whose `cause` is the driver's error.
 */
export interface TokenStore {
  findToken(query: TokenQuery): Promise<OAuthToken | null>;
  findTokenById(id: string): Promise<OAuthToken | null>;
  /** Upserts and resolves to the token as stored, with its id and new version. */
  saveToken(token: OAuthToken): Promise<OAuthToken>;
  deleteToken(id: string): Promise<void>;
  getTokens(): Promise<OAuthToken[]>;
  deleteTokens(): Promise<void>;

  /**
   * Takes the cross-process lease named `key`, waiting up to `waitMs` for a current holder;
   * resolves to `null` when the wait ran out. Stores without it coordinate within one process.
   */
  acquireLease?(key: string, options: LeaseOptions): Promise<Lease | null>;
  /** Releases pools, handles and timers. */
  close?(): Promise<void>;
}

/** True when the store can coordinate refreshes across processes. */
export function hasLeases(
  store: TokenStore,
): store is TokenStore & Required<Pick<TokenStore, 'acquireLease'>> {
  return typeof store.acquireLease === 'function';
}

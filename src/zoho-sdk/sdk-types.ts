/**
 * The shapes of the official `@zohocrm/typescript-sdk-8.0` classes this adapter touches,
 * written out here so that nothing in zoho-tokens needs the official package to type-check.
 * The official classes fit them as they are.
 */

/** The official `UserSignature`: a user name (`email:zgid` when the SDK looked it up). */
export interface SdkUserSignature {
  getName(): string;
}

/**
 * The official `OAuthToken`: getters and setters per field. Getters return `undefined` for
 * fields the constructor never set (the official stores build tokens with no arguments).
 */
export interface SdkOAuthToken {
  getId(): string | null;
  setId(id: string | null): void;
  getUserSignature(): SdkUserSignature | null;
  setUserSignature(userSignature: SdkUserSignature | null): void;
  getClientId(): string | null;
  setClientId(clientId: string): void;
  getClientSecret(): string | null;
  setClientSecret(clientSecret: string): void;
  getRefreshToken(): string | null;
  setRefreshToken(refreshToken: string | null): void;
  getAccessToken(): string | null;
  setAccessToken(accessToken: string | null): void;
  getGrantToken(): string | null;
  setGrantToken(grantToken: string | null): void;
  /** Epoch milliseconds as a decimal string. */
  getExpiresIn(): string;
  setExpiresIn(expiresIn: string): void;
  getRedirectURL(): string | null;
  setRedirectURL(redirectUrl: string | null): void;
  getAPIDomain(): string | null;
  setAPIDomain(apiDomain: string | null): void;
  // The official `Token` interface, so that the adapter's results type-check where the SDK
  // expects its own tokens.
  generateToken(): Promise<void>;
  authenticate(connection: unknown): Promise<void>;
  remove(): Promise<boolean>;
  revoke(id: string): Promise<boolean | undefined>;
}

/**
 * The official `OAuthToken` constructor, with its positional arguments. The adapter passes no
 * user signature to it (it sets one afterwards), hence `null`.
 */
export type SdkOAuthTokenClass = new (
  clientId: string | null,
  clientSecret: string | null,
  grantToken: string | null,
  refreshToken: string | null,
  redirectUrl: string | null,
  id: string | null,
  accessToken: string | null,
  userSignature: null,
) => SdkOAuthToken;

/**
 * The classes the adapter builds official tokens with. The official module fits as it is:
 * `import * as sdk from '@zohocrm/typescript-sdk-8.0'` or
 * `require('@zohocrm/typescript-sdk-8.0')`.
 */
export interface ZohoSdk {
  OAuthToken: SdkOAuthTokenClass;
  UserSignature: new (name: string) => SdkUserSignature;
}

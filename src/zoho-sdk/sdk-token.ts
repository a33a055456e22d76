import { formatExpiry, parseExpiry } from '../token/expiry.js';
import { OAuthToken } from '../token/oauth-token.js';
import type { SdkOAuthToken, ZohoSdk } from './sdk-types.js';

type TextField =
  | 'id'
  | 'clientId'
  | 'clientSecret'
  | 'refreshToken'
  | 'accessToken'
  | 'grantToken'
  | 'redirectUrl'
  | 'apiDomain';

// Our field name, then the official getter and setter of the same value.
const TEXT_FIELDS: readonly (readonly [TextField, keyof SdkOAuthToken, keyof SdkOAuthToken])[] = [
  ['id', 'getId', 'setId'],
  ['clientId', 'getClientId', 'setClientId'],
  ['clientSecret', 'getClientSecret', 'setClientSecret'],
  ['refreshToken', 'getRefreshToken', 'setRefreshToken'],
  ['accessToken', 'getAccessToken', 'setAccessToken'],
  ['grantToken', 'getGrantToken', 'setGrantToken'],
  ['redirectUrl', 'getRedirectURL', 'setRedirectURL'],
  ['apiDomain', 'getAPIDomain', 'setAPIDomain'],
];

/**
 * The zoho-tokens form of an official token. The official expiry (a string of epoch
 * milliseconds, or the `"NaN"` it writes after a response without `expires_in`) becomes
 * `expiresAt`, or `null` when it is not a number.
 */
export function fromSdkToken(token: SdkOAuthToken): OAuthToken {
  return new OAuthToken({
    id: textOf(token.getId()),
    userSignature: textOf(token.getUserSignature()?.getName()),
    clientId: textOf(token.getClientId()),
    clientSecret: textOf(token.getClientSecret()),
    refreshToken: textOf(token.getRefreshToken()),
    accessToken: textOf(token.getAccessToken()),
    grantToken: textOf(token.getGrantToken()),
    expiresAt: parseExpiry(textOf(token.getExpiresIn())),
    redirectUrl: textOf(token.getRedirectURL()),
    apiDomain: textOf(token.getAPIDomain()),
  });
}

/**
 * A new official token holding `token`'s values, built as the official stores build theirs:
 * the constructor for what it takes, then the expiry and API domain through their setters.
 * Our `version` and `state` have no official field and stay behind.
 */
export function toSdkToken(token: OAuthToken, sdk: ZohoSdk): SdkOAuthToken {
  const sdkToken = new sdk.OAuthToken(
    token.clientId,
    token.clientSecret,
    token.grantToken,
    token.refreshToken,
    token.redirectUrl,
    token.id,
    token.accessToken,
    null,
  );
  fillSdkToken(sdkToken, token, sdk);
  return sdkToken;
}

/**
 * Gives each absent field of the official `target` the value of `stored`, and leaves the
 * fields it has alone: what the official stores do to the token `findToken` is given.
 */
export function fillSdkToken(target: SdkOAuthToken, stored: OAuthToken, sdk: ZohoSdk): void {
  for (const [field, get, set] of TEXT_FIELDS) {
    const value = stored[field];
    if (value !== null && isAbsent(call(target, get))) call(target, set, value);
  }

  const expiry = formatExpiry(stored.expiresAt);
  if (expiry !== null && isAbsent(target.getExpiresIn())) target.setExpiresIn(expiry);

  // Never build a UserSignature without a name: the official constructor then fires an
  // unhandled rejection, which ends a Node process.
  const name = stored.userSignature;
  if (name !== null && isAbsent(target.getUserSignature()?.getName())) {
    target.setUserSignature(new sdk.UserSignature(name));
  }
}

function call(token: SdkOAuthToken, method: keyof SdkOAuthToken, ...args: unknown[]): unknown {
  return (token[method] as (...values: unknown[]) => unknown).apply(token, args);
}

function isAbsent(value: unknown): boolean {
  return value === null || value === undefined || value === '';
}

// Official getters return `undefined` for fields never set; other software may hold numbers.
function textOf(value: unknown): string | null {
  return isAbsent(value) ? null : String(value);
}

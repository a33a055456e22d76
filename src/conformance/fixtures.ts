import type { TokenStore } from '../store/token-store.js';
import { OAuthToken, type TokenFields, type TokenInit } from '../token/oauth-token.js';
import { fail } from './failure.js';

/** The fields a store keeps for the caller (its own `id` and `version` aside). */
export const DATA_FIELDS = [
  'userSignature',
  'clientId',
  'clientSecret',
  'refreshToken',
  'accessToken',
  'grantToken',
  'expiresAt',
  'redirectUrl',
  'apiDomain',
] as const satisfies readonly (keyof TokenFields)[];

/** An expiry with milliseconds, so that a store rounding to seconds shows. */
export const EXPIRES_AT = 1_767_225_600_123;

/** The user signature of a kit user, shaped like the official `email` form. */
export function userOf(name: string): string {
  return `${name}@example.com`;
}

/**
 * A complete token of the kit user `name`: every value derived from the name, so that tokens of
 * different users never share a value. No value holds a quote or a comma; the value checks add
 * those on purpose.
 */
export function kitToken(name: string, changes: TokenInit = {}): OAuthToken {
  return new OAuthToken({
    userSignature: userOf(name),
    clientId: `1000.KIT${name.toUpperCase()}`,
    clientSecret: `secret-${name}`,
    refreshToken: `1000.refresh.${name}`,
    accessToken: `1000.access.${name}`,
    expiresAt: EXPIRES_AT,
    redirectUrl: 'https://app.example.com/oauth/callback',
    apiDomain: 'https://www.zohoapis.eu',
    ...changes,
  });
}

/** A token without a user: only the given values. */
export function bareToken(init: TokenInit): OAuthToken {
  return new OAuthToken(init);
}

/**
 * Saves the tokens one after another. Returns each token as the kit expects to find it: its own
 * values with the id the store answered (the values come from the kit, so that a store whose
 * `saveToken` answers badly fails the check about that answer, not every check).
 */
export async function saveInOrder(
  store: TokenStore,
  tokens: readonly OAuthToken[],
): Promise<OAuthToken[]> {
  const saved: OAuthToken[] = [];
  for (const token of tokens) saved.push(token.with({ id: idOf(await store.saveToken(token)) }));

  return saved;
}

/** The id of what `saveToken` answered, as text; `null` when there is none. */
export function idOf(saved: unknown): string | null {
  const id = (saved as { id?: unknown } | null | undefined)?.id;
  return id === undefined || id === null ? null : String(id);
}

/** The id of a saved token; fails the check when the store answered none. */
export function requireId(token: { id: string | null } | undefined): string {
  const id = token?.id ?? null;
  if (id === null) fail('saveToken resolved without an id');

  return id;
}

/**
 * A token made of another's values plus `changes`. Used instead of `token.with()` so that a
 * store returning plain objects fails only the check about token objects.
 */
export function copyOf(token: unknown, changes: TokenInit = {}): OAuthToken {
  const fields = token as Partial<TokenFields>;
  return new OAuthToken({ ...fieldsOf(fields), ...changes });
}

function fieldsOf(token: Partial<TokenFields>): TokenInit {
  return {
    id: token.id ?? null,
    version: token.version ?? null,
    userSignature: token.userSignature ?? null,
    clientId: token.clientId ?? null,
    clientSecret: token.clientSecret ?? null,
    refreshToken: token.refreshToken ?? null,
    accessToken: token.accessToken ?? null,
    grantToken: token.grantToken ?? null,
    expiresAt: token.expiresAt ?? null,
    redirectUrl: token.redirectUrl ?? null,
    apiDomain: token.apiDomain ?? null,
  };
}

/** A token whose values hold quotes, commas, tabs, CR/LF, backslashes and non-ASCII text. */
export function specialToken(): OAuthToken {
  return kitToken('special', {
    userSignature: `O'Brien, "Ann"\nZoë 東京 🔑@example.com`,
    clientId: '1000.ID,WITH;SEPARATORS|AND=SIGNS',
    clientSecret: `back\\slash\ttab "double" 'single'`,
    refreshToken: `1000.it's,"quoted"\r\nsecond line`,
    accessToken: 'ünïcödé токен ✓ 𝒵 \u00a0nbsp',
    redirectUrl: 'https://app.example.com/cb?a=1&b=two,three#frag',
  });
}

/** A user name that breaks SQL built by concatenation. */
export const INJECTION_USER = "x' OR '1'='1";

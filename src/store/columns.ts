import { formatExpiry, parseExpiry } from '../token/expiry.js';
import { OAuthToken, type TokenState } from '../token/oauth-token.js';

/**
 * The ten columns of the official `oauthtoken` table, in the official order. The Python SDK
 * reads rows by position and the TypeScript SDK by name, so this order is never changed; our own
 * columns (such as `version`) only ever come after it.
 */
export const OFFICIAL_COLUMNS = [
  'id',
  'user_name',
  'client_id',
  'client_secret',
  'refresh_token',
  'access_token',
  'grant_token',
  'expiry_time',
  'redirect_url',
  'api_domain',
] as const;

/** Columns this project adds after the official ten. */
export const EXTRA_COLUMNS = ['version', 'state'] as const;

/** A row of the token table as the drivers return it: text (or null) per official column. */
export type TokenRow = Record<(typeof OFFICIAL_COLUMNS)[number], string | null> & {
  version?: number | string | bigint | null;
  state?: string | null;
};

/** The token held in a row. Expiry text that is not a number of milliseconds reads as unknown. */
export function tokenFromRow(row: TokenRow): OAuthToken {
  return new OAuthToken({
    id: asText(row.id),
    userSignature: asText(row.user_name),
    clientId: asText(row.client_id),
    clientSecret: asText(row.client_secret),
    refreshToken: asText(row.refresh_token),
    accessToken: asText(row.access_token),
    grantToken: asText(row.grant_token),
    expiresAt: parseExpiry(asText(row.expiry_time)),
    redirectUrl: asText(row.redirect_url),
    apiDomain: asText(row.api_domain),
    version: row.version === undefined || row.version === null ? 0 : Number(row.version),
    state: parseState(row.state),
  });
}

/** The state column holds JSON; anything unreadable counts as healthy rather than failing. */
export function parseState(text: string | null | undefined): TokenState | null {
  if (text === null || text === undefined || text === '') return null;

  try {
    const state = JSON.parse(text) as TokenState;
    if (state.kind === 'needs-login' || state.kind === 'cooling-down') return state;
  } catch {
    // fall through: an unreadable state is no reason to lose the token
  }
  return null;
}

/** The text kept in the state column. */
export function formatState(state: TokenState | null): string | null {
  return state === null ? null : JSON.stringify(state);
}

// A table written by other software may hold numbers in these text columns (SQLite keeps
// whatever type was inserted); the token model is text.
function asText(value: unknown): string | null {
  return value === null || value === undefined ? null : String(value);
}

/** The row values of a token, in the official column order, then version and state. */
export function rowValues(token: OAuthToken): (string | number | null)[] {
  return [
    token.id,
    token.userSignature,
    token.clientId,
    token.clientSecret,
    token.refreshToken,
    token.accessToken,
    token.grantToken,
    formatExpiry(token.expiresAt),
    token.redirectUrl,
    token.apiDomain,
    token.version,
    formatState(token.state),
  ];
}

/**
 * The list-based store of Kaizen #192, done right.
 *
 * Each token is a row: a plain array of ten values in the official column order, kept in one
 * list in memory. The six methods follow the rules every zoho-tokens store keeps, written out
 * by hand here so that you can see them:
 * - lookups apply the matching rules in order and return `null` when no rule applies (the
 *   sample handed out the first row);
 * - `saveToken` updates the row with the token's id, else the matching row, keeping the values
 *   the token leaves out, and otherwise appends a row with the next numeric id;
 * - misses are `null`, deleting an unknown id is fine, and every answer is an `OAuthToken`.
 *
 * Verify it with `zoho-tokens verify-store examples/list-store.ts`.
 */
// In your project: import { ... } from 'zoho-tokens';
import {
  formatExpiry,
  OAuthToken,
  parseExpiry,
  type TokenQuery,
  type TokenStore,
  ZohoTokensError,
} from '../src/index.js';

/** A stored token: id, user_name, client_id, client_secret, refresh_token, access_token,
 * grant_token, expiry_time, redirect_url, api_domain. */
export type ListRow = (string | null)[];

const [ID, USER, CLIENT_ID, CLIENT_SECRET, REFRESH, ACCESS, GRANT, EXPIRY, REDIRECT, DOMAIN] = [
  0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
] as const;

export class ListStore implements TokenStore {
  /** The rows, in the order they were added. */
  readonly rows: ListRow[] = [];

  async findToken(query: TokenQuery): Promise<OAuthToken | null> {
    const row = this.#match(query);
    return row === undefined ? null : tokenOf(row);
  }

  async findTokenById(id: string): Promise<OAuthToken | null> {
    const row = this.rows.find((each) => each[ID] === id);
    return row === undefined ? null : tokenOf(row);
  }

  async saveToken(token: OAuthToken): Promise<OAuthToken> {
    const stored =
      token.id !== null ? this.rows.find((row) => row[ID] === token.id) : this.#match(token);
    if (stored !== undefined) {
      // Values the token leaves out keep what was stored (a refresh answer has no refresh token).
      const saved = token.fillFrom(tokenOf(stored)).with({ id: stored[ID] });
      this.rows[this.rows.indexOf(stored)] = rowOf(saved);
      return saved;
    }

    if (token.accessToken === null && token.refreshToken === null && token.grantToken === null) {
      throw new ZohoTokensError(
        'ERR_TOKEN_INCOMPLETE',
        'a new token needs a grant, refresh or access token',
      );
    }
    const saved = token.with({ id: token.id ?? this.#nextId() });
    this.rows.push(rowOf(saved));
    return saved;
  }

  async deleteToken(id: string): Promise<void> {
    const at = this.rows.findIndex((row) => row[ID] === id);
    if (at !== -1) this.rows.splice(at, 1);
  }

  async getTokens(): Promise<OAuthToken[]> {
    return this.rows.map(tokenOf);
  }

  async deleteTokens(): Promise<void> {
    this.rows.length = 0;
  }

  /** The matching rules, in order; the first that applies decides, and none means no match. */
  #match(query: TokenQuery): ListRow | undefined {
    const user = present(query.userSignature);
    if (user !== null) return this.rows.find((row) => row[USER] === user);

    const access = present(query.accessToken);
    const hasClient = present(query.clientId) !== null || present(query.clientSecret) !== null;
    if (access !== null && !hasClient) return this.rows.find((row) => row[ACCESS] === access);

    // Grouped as written: a grant or a refresh token, with or without client credentials.
    const grant = present(query.grantToken);
    const refresh = present(query.refreshToken);
    const byGrant = grant === null ? undefined : this.rows.find((row) => row[GRANT] === grant);
    if (byGrant !== undefined || refresh === null) return byGrant;
    return this.rows.find((row) => row[REFRESH] === refresh);
  }

  /** One more than the largest id as a number: compared as text, "9" would beat "10". */
  #nextId(): string {
    const largest = this.rows.reduce((max, row) => Math.max(max, Number(row[ID])), 0);
    return String(largest + 1);
  }
}

/** Absent, `null` and `''` all mean "not given". */
function present(value: string | null | undefined): string | null {
  return value === undefined || value === null || value === '' ? null : value;
}

function rowOf(token: OAuthToken): ListRow {
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
  ];
}

function tokenOf(row: ListRow): OAuthToken {
  return new OAuthToken({
    id: row[ID],
    userSignature: row[USER],
    clientId: row[CLIENT_ID],
    clientSecret: row[CLIENT_SECRET],
    refreshToken: row[REFRESH],
    accessToken: row[ACCESS],
    grantToken: row[GRANT],
    expiresAt: parseExpiry(row[EXPIRY]),
    redirectUrl: row[REDIRECT],
    apiDomain: row[DOMAIN],
  });
}

export default ListStore;

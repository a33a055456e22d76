import type { OAuthToken } from '../../token/oauth-token.js';
import { type MatchKey, matchKeyOf } from '../matching.js';
import { nextId, planSave } from '../save-plan.js';

/** The columns a lookup compares, one per matching rule. */
export type LookupColumn = 'user_name' | 'access_token' | 'grant_token' | 'refresh_token';

/**
 * The row operations a SQL store gives the shared lookup and save flow, bound to one
 * connection (inside the save transaction, for saves).
 */
export interface TokenRows {
  byId(id: string): Promise<OAuthToken | null>;
  /** The first row (lowest id) whose column holds exactly `value`. */
  byColumn(column: LookupColumn, value: string): Promise<OAuthToken | null>;
  /** The numeric maximum of the all-digit ids, or `null` in an empty table. */
  maxId(): Promise<bigint | null>;
  insert(token: OAuthToken): Promise<void>;
  /** Replaces the row with the token's id; must reject when that row is gone. */
  update(token: OAuthToken): Promise<void>;
}

/** The stored token a lookup key names, by the matching rules (grant token before refresh). */
export async function lookupToken(
  rows: Pick<TokenRows, 'byColumn'>,
  key: MatchKey | null,
): Promise<OAuthToken | null> {
  if (key === null) return null;
  if (key.rule === 'user') return rows.byColumn('user_name', key.userSignature);
  if (key.rule === 'access-token') return rows.byColumn('access_token', key.accessToken);

  const byGrant =
    key.grantToken === null ? null : await rows.byColumn('grant_token', key.grantToken);
  if (byGrant !== null || key.refreshToken === null) return byGrant;
  return rows.byColumn('refresh_token', key.refreshToken);
}

/**
 * The upsert every SQL store runs once it holds its save lock and transaction: read the row the
 * token names (by id, else by the matching rules), apply {@link planSave}, then insert or update.
 * The maximum id is read only when a new id is needed.
 */
export async function saveThrough(rows: TokenRows, token: OAuthToken): Promise<OAuthToken> {
  const stored =
    token.id !== null ? await rows.byId(token.id) : await lookupToken(rows, matchKeyOf(token));
  const maxId = stored === null && token.id === null ? await rows.maxId() : null;
  const saved = planSave(token, stored, () => nextId(maxId));

  if (stored === null) await rows.insert(saved);
  else await rows.update(saved);
  return saved;
}

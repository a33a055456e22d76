import type { TokenFields } from '../token/oauth-token.js';
import type { TokenQuery } from './token-store.js';

/** Which stored value a lookup compares, chosen by {@link matchKeyOf}. */
export type MatchKey =
  | { rule: 'user'; userSignature: string }
  | { rule: 'access-token'; accessToken: string }
  | { rule: 'grant-or-refresh'; grantToken: string | null; refreshToken: string | null };

/**
 * The matching rules, in order; the first that applies wins:
 * 1. a user signature: the user name, exactly, and nothing else;
 * 2. an access token and no client id or secret: the access token;
 * 3. a grant token or a refresh token: the grant token, then the refresh token;
 * 4. otherwise nothing matches (`null`), and a store must not return any row.
 *
 * Unlike the official SDKs, rule 3 is grouped as written: a refresh token alone qualifies, and
 * the official `refresh || grant && id && secret` precedence slip is not repeated.
 */
export function matchKeyOf(query: TokenQuery): MatchKey | null {
  const user = present(query.userSignature);
  if (user !== null) return { rule: 'user', userSignature: user };

  const access = present(query.accessToken);
  const hasClient = present(query.clientId) !== null || present(query.clientSecret) !== null;
  if (access !== null && !hasClient) return { rule: 'access-token', accessToken: access };

  const grant = present(query.grantToken);
  const refresh = present(query.refreshToken);
  if (grant !== null || refresh !== null) {
    return { rule: 'grant-or-refresh', grantToken: grant, refreshToken: refresh };
  }

  return null;
}

/**
 * Finds the match among `rows` by a scan, for stores without indexes (and as the reference the
 * indexed stores are tested against). For rule 3 a grant-token match anywhere beats a
 * refresh-token match.
 */
export function findMatch<T extends TokenFields>(rows: Iterable<T>, key: MatchKey): T | null {
  let byRefresh: T | null = null;
  for (const row of rows) {
    if (key.rule === 'user' && row.userSignature === key.userSignature) return row;
    if (key.rule === 'access-token' && row.accessToken === key.accessToken) return row;
    if (key.rule !== 'grant-or-refresh') continue;

    if (key.grantToken !== null && row.grantToken === key.grantToken) return row;
    if (byRefresh === null && key.refreshToken !== null && row.refreshToken === key.refreshToken) {
      byRefresh = row;
    }
  }

  return byRefresh;
}

function present(value: string | null | undefined): string | null {
  return value === undefined || value === null || value === '' ? null : value;
}

import { ZohoTokensError } from '../errors.js';
import type { OAuthToken } from '../token/oauth-token.js';

/**
 * What `saveToken` writes, given the incoming token and the row it matched (or `null`). Every
 * store calls this inside its own transaction or lock, so the merge rules are the same
 * everywhere:
 * - an update keeps the stored id and every stored value the incoming token leaves absent,
 *   except the failure state, which is always the incoming one;
 * - a token carrying a version refuses to replace a row with another version;
 * - an insert needs a grant, refresh or access token, and takes `newId()` when it has no id;
 * - the version goes up by one on every write.
 */
export function planSave(
  incoming: OAuthToken,
  stored: OAuthToken | null,
  newId: () => string,
): OAuthToken {
  if (stored !== null) return planUpdate(incoming, stored);

  const hasCredential =
    incoming.grantToken !== null || incoming.refreshToken !== null || incoming.accessToken !== null;
  if (!hasCredential) {
    throw new ZohoTokensError(
      'ERR_TOKEN_INCOMPLETE',
      'cannot store a new token without a grant, refresh or access token',
    );
  }

  return incoming.with({ id: incoming.id ?? newId(), version: 1 });
}

function planUpdate(incoming: OAuthToken, stored: OAuthToken): OAuthToken {
  const storedVersion = stored.version ?? 0;
  if (incoming.version !== null && incoming.version !== storedVersion) {
    throw new ZohoTokensError(
      'ERR_STORE_CONFLICT',
      `token ${stored.id} changed since it was read ` +
        `(version ${incoming.version}, stored ${storedVersion})`,
    );
  }

  // fillFrom keeps the incoming failure state: a save without one clears a stored failure.
  return incoming.fillFrom(stored).with({ id: stored.id, version: storedVersion + 1 });
}

/** The id after `max`: decimal, compared as numbers (a string `MAX` breaks at the 11th row). */
export function nextId(max: number | bigint | null): string {
  if (max === null) return '1';

  return (BigInt(max) + 1n).toString();
}

import { ZohoTokensError } from '../errors.js';
import { matchKeyOf } from '../store/matching.js';
import { OAuthToken } from '../token/oauth-token.js';

/**
 * Which token a call is about: a stored id, a user name, or a token (the official SDKs' way:
 * a token carrying an id, a user signature, a grant, a refresh or an access token).
 */
export type TokenRef = { id: string } | { user: string } | OAuthToken;

/** The in-memory cache key of a reference; one token may be reachable under several keys. */
export function cacheKeyOf(ref: TokenRef): string {
  if (!(ref instanceof OAuthToken)) {
    if ('id' in ref) return `id:${ref.id}`;
    return `user:${ref.user}`;
  }
  if (ref.id !== null) return `id:${ref.id}`;

  const key = matchKeyOf(ref);
  if (key === null) {
    throw new ZohoTokensError(
      'ERR_TOKEN_INCOMPLETE',
      'token names no id, user, grant, refresh or access token',
    );
  }
  if (key.rule === 'user') return `user:${key.userSignature}`;
  if (key.rule === 'access-token') return `access:${key.accessToken}`;
  return key.grantToken !== null ? `grant:${key.grantToken}` : `refresh:${key.refreshToken}`;
}

/** A short description of a reference for messages: never a token value. */
export function describeRef(ref: TokenRef): string {
  if (!(ref instanceof OAuthToken)) return 'id' in ref ? `token ${ref.id}` : `user ${ref.user}`;
  if (ref.id !== null) return `token ${ref.id}`;
  return ref.userSignature !== null ? `user ${ref.userSignature}` : 'the given token';
}

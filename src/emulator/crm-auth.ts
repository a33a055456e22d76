import type { MiddlewareHandler } from 'hono';
import type { CrmOrg, CrmUser } from './directory.js';
import { crmError } from './responses.js';
import { hasAnyScope } from './scopes.js';
import type { EmulatorState } from './state.js';
import type { AccessTokenRecord } from './token-registry.js';

/** Who a CRM request acts for, set by {@link crmAuth}. */
export interface CrmSession {
  token: AccessTokenRecord;
  user: CrmUser;
  org: CrmOrg;
}

export type CrmEnv = { Variables: { session: CrmSession } };

/**
 * Reads `Authorization: Zoho-oauthtoken X` (what Zoho's SDKs send) or `Bearer X` (also
 * documented), scheme case-insensitive. Tokens in the query string are never accepted.
 */
export function readAccessToken(authorization: string | undefined): string | undefined {
  const match = /^(?:zoho-oauthtoken|bearer)\s+(\S+)$/i.exec(authorization?.trim() ?? '');
  return match?.[1];
}

/** Rejects requests without a live access token with Zoho's exact 401 bodies. */
export function crmAuth(state: EmulatorState): MiddlewareHandler<CrmEnv> {
  return async (c, next) => {
    const presented = readAccessToken(c.req.header('authorization'));
    if (presented === undefined) {
      return crmError(401, 'AUTHENTICATION_FAILURE', 'Authentication failed');
    }
    const token = state.tokens.findAccessToken(presented);
    const user = token && state.directory.findUser(token.userEmail);
    if (!token || !user) return crmError(401, 'INVALID_TOKEN', 'invalid oauth token');

    c.set('session', { token, user, org: state.directory.orgOf(user) });
    await next();
  };
}

/** The 401 for a live token without any of the scopes an endpoint accepts, else undefined. */
export function scopeMismatch(
  session: CrmSession,
  accepted: readonly string[],
): Response | undefined {
  if (hasAnyScope(session.token.scopes, accepted)) return undefined;
  return crmError(401, 'OAUTH_SCOPE_MISMATCH', 'invalid oauth scope to access this URL');
}

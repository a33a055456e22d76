import { createHash } from 'node:crypto';
import { isRedirectAllowed, type OAuthClient } from './clients.js';
import type { Params } from './params.js';
import { parseScopes } from './scopes.js';
import type { EmulatorState } from './state.js';
import { type GrantType, isGrantType } from './stats.js';
import type { AccessTokenRecord, GrantCode, RefreshTokenRecord } from './token-registry.js';

/** What the token endpoint answers: a JSON body (always HTTP 200) or an outage page. */
export type TokenOutcome = { kind: 'json'; body: Record<string, unknown> } | { kind: 'outage' };

/** Zoho's throttle body, HTTP 200 like every other token-endpoint error. */
export const THROTTLE_BODY = {
  error_description:
    'You have made too many requests continuously. Please try again after some time.',
  error: 'Access Denied',
  status: 'failure',
} as const;

/**
 * Answers `POST /oauth/v2/token`. Checks run in the order Zoho's outcomes suggest:
 * client id, client secret, grant type, the grant itself, redirect URI, throttles.
 */
export async function answerTokenRequest(
  state: EmulatorState,
  params: Params,
): Promise<TokenOutcome> {
  const grantType = params.get('grant_type');
  if (isGrantType(grantType)) state.stats.countTokenRequest(grantType);
  if (state.faults.latencyMs > 0) await sleep(state.faults.latencyMs);

  const fault = state.faults.takeNext();
  if (fault) {
    state.stats.countFault(fault);
    if (fault === 'server_errors') return { kind: 'outage' };
    return fault === 'throttle' ? throttled(state) : failure(state, 'invalid_code');
  }

  const client = state.clients.find(params.get('client_id'));
  if (!client) return failure(state, 'invalid_client');
  if (params.get('client_secret') !== client.clientSecret) {
    return failure(state, 'invalid_client_secret');
  }
  if (!isGrantType(grantType)) return failure(state, 'unsupported_grant_type');
  return GRANT_HANDLERS[grantType](state, client, params);
}

type GrantHandler = (state: EmulatorState, client: OAuthClient, params: Params) => TokenOutcome;

const GRANT_HANDLERS: Record<GrantType, GrantHandler> = {
  authorization_code: exchangeCode,
  refresh_token: refresh,
  client_credentials: clientCredentials,
};

function exchangeCode(state: EmulatorState, client: OAuthClient, params: Params): TokenOutcome {
  const grant = state.tokens.findGrantCode(params.get('code') ?? '');
  // Zoho answers invalid_code alike for unknown, expired, used and other-client codes.
  if (!grant || grant.clientId !== client.clientId) return failure(state, 'invalid_code');
  if (!isVerifierValid(grant, params.get('code_verifier'))) return failure(state, 'invalid_code');
  if (!isRedirectMatching(grant, client, params.get('redirect_uri'))) {
    return failure(state, 'invalid_redirect_uri');
  }

  state.tokens.consumeGrantCode(grant.code);
  state.directory.ensureUser(grant.userEmail);
  const holder = { clientId: client.clientId, userEmail: grant.userEmail, scopes: grant.scopes };
  const refreshToken = grant.issuesRefreshToken
    ? state.tokens.issueRefreshToken(holder)
    : undefined;
  const accessToken = state.tokens.issueAccessToken(holder, refreshToken);
  return success(state, accessToken, refreshToken);
}

function refresh(state: EmulatorState, client: OAuthClient, params: Params): TokenOutcome {
  const record = state.tokens.findRefreshToken(params.get('refresh_token') ?? '');
  // An unknown or revoked refresh token is reported as invalid_code, not invalid_token.
  if (!record || record.clientId !== client.clientId) return failure(state, 'invalid_code');
  if (!state.tokens.takeRefreshQuota(record)) return throttled(state);

  const accessToken = state.tokens.issueAccessToken(record, record);
  return success(state, accessToken);
}

function clientCredentials(
  state: EmulatorState,
  client: OAuthClient,
  params: Params,
): TokenOutcome {
  const scopes = parseScopes(params.get('scope') ?? '');
  if (scopes.length === 0) return failure(state, 'invalid_scope');

  const userEmail = ownerFor(state, params.get('soid'));
  if (userEmail === undefined) return failure(state, 'missing_org_info');

  const accessToken = state.tokens.issueAccessToken({
    clientId: client.clientId,
    userEmail,
    scopes,
  });
  return success(state, accessToken);
}

/**
 * The user a client-credentials token acts as: the primary user of the org named by
 * `soid` (`ZohoCRM.<org id>`), or the emulator's default user when none is named.
 */
function ownerFor(state: EmulatorState, soid: string | undefined): string | undefined {
  if (soid === undefined) return state.options.defaultUser;

  const orgId = /^zohocrm\.(\d+)$/i.exec(soid)?.[1];
  const org = orgId === undefined ? undefined : state.directory.findOrg(orgId);
  return org?.primaryEmail;
}

/** Codes from `/oauth/v2/auth` need the same redirect URI; self-client codes need none. */
function isRedirectMatching(
  grant: GrantCode,
  client: OAuthClient,
  redirectUri: string | undefined,
): boolean {
  if (grant.redirectUri === undefined) return true;
  return redirectUri === grant.redirectUri && isRedirectAllowed(client, redirectUri);
}

function isVerifierValid(grant: GrantCode, verifier: string | undefined): boolean {
  if (grant.codeChallenge === undefined) return true;
  if (verifier === undefined) return false;
  if (grant.codeChallengeMethod?.toUpperCase() !== 'S256') return verifier === grant.codeChallenge;
  return createHash('sha256').update(verifier).digest('base64url') === grant.codeChallenge;
}

/** A token response in Zoho's key order; refresh responses never carry `refresh_token`. */
function success(
  state: EmulatorState,
  accessToken: AccessTokenRecord,
  refreshToken?: RefreshTokenRecord,
): TokenOutcome {
  const ttlS = state.options.accessTokenTtlS;
  const body: Record<string, unknown> = { access_token: accessToken.token };
  if (refreshToken) body.refresh_token = refreshToken.token;
  body.scope = accessToken.scopes.join(' ');
  body.api_domain = state.urls.apiUrl;
  body.token_type = 'Bearer';
  // Legacy Zoho sent milliseconds in expires_in plus expires_in_sec; SDKs still branch on it.
  body.expires_in = state.options.legacyExpiry ? ttlS * 1000 : ttlS;
  if (state.options.legacyExpiry) body.expires_in_sec = ttlS;
  return { kind: 'json', body };
}

function failure(state: EmulatorState, error: string): TokenOutcome {
  state.stats.countTokenError(error);
  return { kind: 'json', body: { error } };
}

function throttled(state: EmulatorState): TokenOutcome {
  state.stats.countTokenError(THROTTLE_BODY.error);
  return { kind: 'json', body: { ...THROTTLE_BODY } };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

import { Hono } from 'hono';
import { readTokenParams, tokenResponse } from './accounts-routes.js';
import { isRedirectAllowed } from './clients.js';
import { authErrorPage, consentPage } from './consent-page.js';
import { isEmail } from './directory.js';
import { answerTokenRequest } from './grants.js';
import { newHandle } from './ids.js';
import { readParams } from './params.js';
import { accountsJson, html } from './responses.js';
import { parseScopes } from './scopes.js';
import type { EmulatorState } from './state.js';

/** An authorization request waiting for the user to press Accept or Reject. */
interface AuthRequest {
  clientId: string;
  redirectUri: string;
  scopes: string[];
  state: string | undefined;
  offline: boolean;
  forceConsent: boolean;
  codeChallenge: string | undefined;
  codeChallengeMethod: string | undefined;
}

interface PendingConsent {
  request: AuthRequest;
  expiresAtMs: number;
}

const CONSENT_TTL_MS = 10 * 60_000;

/** The browser side of the accounts server: `/oauth/v2/auth` and its consent form. */
export function consentRoutes(state: EmulatorState): Hono {
  const app = new Hono();
  const pending = new Map<string, PendingConsent>();

  app.get('/oauth/v2/auth', async (c) => {
    const parsed = parseAuthRequest(state, await readParams(c.req));
    if (typeof parsed === 'string') return html(parsed, 400);

    // Not a Zoho parameter: lets an auto-approving emulator sign in as a chosen user.
    const hint = c.req.query('login_hint');
    if (state.options.autoApprove) return approve(state, parsed, isEmail(hint) ? hint : undefined);

    const consentId = newHandle();
    dropExpired(pending, state.clock.now());
    pending.set(consentId, { request: parsed, expiresAtMs: state.clock.now() + CONSENT_TTL_MS });
    const defaultUser = isEmail(hint) ? hint : state.options.defaultUser;
    return html(
      consentPage({ consentId, clientId: parsed.clientId, scopes: parsed.scopes, defaultUser }),
    );
  });

  app.post('/oauth/v2/auth/consent', async (c) => {
    const params = await readParams(c.req);
    const consentId = params.get('consent_id') ?? '';
    const entry = pending.get(consentId);
    pending.delete(consentId);
    if (!entry || state.clock.now() >= entry.expiresAtMs) {
      return html(authErrorPage('Request Expired', 'Start the sign-in again.'), 400);
    }
    if (params.get('decision') !== 'accept') return deny(state, entry.request);

    const email = params.get('email');
    return approve(state, entry.request, isEmail(email) ? email : undefined);
  });

  // CRM docs (v4-v7, Kaizen #164) send client-credentials requests to /oauth/v2/auth.
  app.post('/oauth/v2/auth', async (c) => {
    const params = await readTokenParams(c.req);
    if (params.get('grant_type') !== 'client_credentials') {
      return accountsJson({ error: 'unsupported_grant_type' });
    }
    return tokenResponse(await answerTokenRequest(state, params));
  });

  return app;
}

function dropExpired(pending: Map<string, PendingConsent>, nowMs: number): void {
  for (const [id, entry] of pending) {
    if (nowMs >= entry.expiresAtMs) pending.delete(id);
  }
}

/** Validates the query; returns an error page's HTML when Zoho would not redirect. */
function parseAuthRequest(state: EmulatorState, params: Map<string, string>): AuthRequest | string {
  const client = state.clients.find(params.get('client_id'));
  if (!client) return authErrorPage('Invalid Client', 'The client_id passed is not registered.');

  const redirectUri = params.get('redirect_uri');
  if (redirectUri === undefined || !isRedirectAllowed(client, redirectUri)) {
    return authErrorPage(
      'Invalid Redirect Uri',
      'The redirect URI passed does not match the one configured for this client.',
    );
  }
  if (params.get('response_type') !== 'code') {
    return authErrorPage('Unsupported Response Type', 'Only response_type=code is supported.');
  }
  const scopes = parseScopes(params.get('scope') ?? '');
  if (scopes.length === 0) return authErrorPage('Invalid Scope', 'No scope was requested.');

  return {
    clientId: client.clientId,
    redirectUri,
    scopes,
    state: params.get('state'),
    offline: params.get('access_type')?.toLowerCase() === 'offline',
    forceConsent: params.get('prompt')?.toLowerCase() === 'consent',
    codeChallenge: params.get('code_challenge'),
    codeChallengeMethod: params.get('code_challenge_method'),
  };
}

/**
 * Mints a code and redirects. A refresh token comes only with offline access, and only on
 * the user's first offline consent for this client unless `prompt=consent` forces a new one.
 */
function approve(state: EmulatorState, request: AuthRequest, email: string | undefined): Response {
  const user = state.directory.ensureUser(email ?? state.options.defaultUser);
  const firstConsent = request.offline && state.tokens.recordConsent(request.clientId, user.email);
  const grant = state.tokens.addGrantCode({
    clientId: request.clientId,
    userEmail: user.email,
    scopes: request.scopes,
    ttlMs: state.options.grantCodeTtlS * 1000,
    redirectUri: request.redirectUri,
    issuesRefreshToken: request.offline && (firstConsent || request.forceConsent),
    codeChallenge: request.codeChallenge,
    codeChallengeMethod: request.codeChallengeMethod,
  });
  state.stats.countGrantCode();

  const target = new URL(request.redirectUri);
  target.searchParams.set('code', grant.code);
  if (request.state !== undefined) target.searchParams.set('state', request.state);
  // Multi-DC clients read these to know where to exchange the code; there is one DC here.
  target.searchParams.set('location', 'us');
  target.searchParams.set('accounts-server', state.urls.accountsUrl);
  return redirect(target);
}

/** Zoho does not document denial; this follows RFC 6749, which client handlers check for. */
function deny(state: EmulatorState, request: AuthRequest): Response {
  const target = new URL(request.redirectUri);
  target.searchParams.set('error', 'access_denied');
  if (request.state !== undefined) target.searchParams.set('state', request.state);
  target.searchParams.set('location', 'us');
  target.searchParams.set('accounts-server', state.urls.accountsUrl);
  return redirect(target);
}

function redirect(target: URL): Response {
  return new Response(null, { status: 302, headers: { location: target.toString() } });
}

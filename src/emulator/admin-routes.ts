import { type Context, Hono } from 'hono';
import {
  type ClientRegistration,
  DEFAULT_GRANT_SCOPE,
  type EmulatorStatsSnapshot,
  type EmulatorUserInfo,
  type GrantCodeResponse,
} from './admin-types.js';
import type { CrmUser } from './directory.js';
import { isEmail } from './directory.js';
import { parseFaultSettings } from './faults.js';
import { parseScopes } from './scopes.js';
import type { EmulatorState } from './state.js';

/** Most leads a new org may be seeded with; paging needs a few dozen, not millions. */
const MAX_SEED_LEADS = 10_000;

/**
 * The admin API for tests and the CLI demo, mounted at `/_admin`: mint self-client grant
 * codes, read counters, move the clock, expire tokens, inject faults, register clients.
 */
export function adminRoutes(state: EmulatorState): Hono {
  const app = new Hono();

  app.post('/grant-codes', async (c) => mintGrantCode(state, await readJson(c)));
  app.get('/users/:email', (c) => {
    const user = state.directory.findUser(c.req.param('email'));
    return user ? c.json(userInfo(state, user)) : adminError(c, 'unknown user', 404);
  });

  app.get('/stats', (c) => c.json(statsSnapshot(state)));
  app.post('/stats/reset', (c) => {
    state.stats.reset();
    return c.json(statsSnapshot(state));
  });

  app.post('/expire-access-tokens', (c) =>
    c.json({ expired: state.tokens.expireAllAccessTokens() }),
  );

  app.get('/faults', (c) => c.json(state.faults.snapshot()));
  app.post('/faults', async (c) => {
    const settings = parseFaultSettings(await readJson(c));
    if (typeof settings === 'string') return adminError(c, settings);
    state.faults.set(settings);
    return c.json(state.faults.snapshot());
  });
  app.delete('/faults', (c) => {
    state.faults.clear();
    return c.json(state.faults.snapshot());
  });

  app.post('/clock', async (c) => {
    const body = await readJson(c);
    const advanceMs = isObject(body) ? body.advance_ms : undefined;
    if (typeof advanceMs !== 'number' || !Number.isFinite(advanceMs) || advanceMs < 0) {
      return adminError(c, 'advance_ms must be a non-negative number');
    }
    state.clock.advance(advanceMs);
    return c.json({ now_ms: state.clock.now(), offset_ms: state.clock.offsetMs });
  });

  app.post('/clients', async (c) => {
    const registration = parseClient(await readJson(c));
    if (typeof registration === 'string') return adminError(c, registration);
    state.clients.register({
      clientId: registration.client_id,
      clientSecret: registration.client_secret,
      redirectUris: registration.redirect_uris ?? [],
    });
    return c.json(registration, 201);
  });

  app.all('*', (c) => adminError(c, 'unknown admin route', 404));
  return app;
}

function mintGrantCode(state: EmulatorState, body: unknown): Response {
  if (!isObject(body) || !isEmail(body.user)) {
    return jsonError('user must be an email address');
  }
  const clientId = body.client_id ?? state.options.clientId;
  if (typeof clientId !== 'string' || !state.clients.find(clientId)) {
    return jsonError('client_id is not a registered client');
  }
  const scope = body.scope ?? DEFAULT_GRANT_SCOPE;
  const scopes = typeof scope === 'string' ? parseScopes(scope) : [];
  if (scopes.length === 0) return jsonError('scope must name at least one scope');
  const ttlS = body.ttl_s ?? state.options.grantCodeTtlS;
  if (typeof ttlS !== 'number' || !(ttlS > 0)) return jsonError('ttl_s must be a positive number');
  const leads = body.leads;
  if (leads !== undefined && !isCount(leads, MAX_SEED_LEADS)) {
    return jsonError(`leads must be an integer from 0 to ${MAX_SEED_LEADS}`);
  }

  const user = state.directory.ensureUser(body.user, leads);
  // A self-client code always yields a refresh token and needs no redirect URI.
  const grant = state.tokens.addGrantCode({
    clientId,
    userEmail: user.email,
    scopes,
    ttlMs: ttlS * 1000,
    redirectUri: undefined,
    issuesRefreshToken: true,
    codeChallenge: undefined,
    codeChallengeMethod: undefined,
  });
  state.stats.countGrantCode();
  const response: GrantCodeResponse = {
    code: grant.code,
    expires_in_s: ttlS,
    user: userInfo(state, user),
  };
  return Response.json(response, { status: 201 });
}

function statsSnapshot(state: EmulatorState): EmulatorStatsSnapshot {
  const live = state.tokens.liveCounts();
  return {
    ...state.stats.counters(),
    active_access_tokens: live.accessTokens,
    active_refresh_tokens: live.refreshTokens,
    clock_offset_ms: state.clock.offsetMs,
  };
}

function userInfo(state: EmulatorState, user: CrmUser): EmulatorUserInfo {
  const org = state.directory.orgOf(user);
  return {
    email: user.email,
    id: user.id,
    zuid: user.zuid,
    org: { id: org.id, zgid: org.zgid, company_name: org.companyName },
  };
}

function parseClient(body: unknown): ClientRegistration | string {
  if (!isObject(body)) return 'body must be a JSON object';
  const { client_id: clientId, client_secret: clientSecret, redirect_uris: uris } = body;
  if (typeof clientId !== 'string' || clientId === '') return 'client_id must be a string';
  if (typeof clientSecret !== 'string' || clientSecret === '') {
    return 'client_secret must be a string';
  }
  if (uris !== undefined && !isStringArray(uris)) return 'redirect_uris must be strings';
  return { client_id: clientId, client_secret: clientSecret, redirect_uris: uris ?? [] };
}

/** The JSON body, or `undefined` when there is none or it does not parse. */
async function readJson(c: Context): Promise<unknown> {
  const text = await c.req.text();
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function adminError(c: Context, message: string, status: 400 | 404 = 400): Response {
  return c.json({ error: message }, status);
}

function jsonError(message: string): Response {
  return Response.json({ error: message }, { status: 400 });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}

function isCount(value: unknown, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= max;
}

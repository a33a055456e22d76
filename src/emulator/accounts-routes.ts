import { Hono, type HonoRequest } from 'hono';
import { answerTokenRequest, type TokenOutcome } from './grants.js';
import { type Params, readBasicCredentials, readParams } from './params.js';
import { accountsJson, html } from './responses.js';
import type { EmulatorState } from './state.js';

/** The page a load balancer shows when Zoho's accounts server is down: HTML, not JSON. */
const OUTAGE_PAGE =
  '<html><head><title>503 Service Temporarily Unavailable</title></head>' +
  '<body><center><h1>503 Service Temporarily Unavailable</h1></center><hr></body></html>';

/** Data-centre codes `serverinfo` lists; all point at this one loopback server. */
const LOCATIONS = ['us', 'eu', 'in', 'au', 'jp', 'ca', 'sa', 'uk'] as const;

/** Token, revoke and server-info endpoints of the accounts server. */
export function accountsRoutes(state: EmulatorState): Hono {
  const app = new Hono();

  app.post('/oauth/v2/token', async (c) => {
    return tokenResponse(await answerTokenRequest(state, await readTokenParams(c.req)));
  });

  // Zoho's docs warn the token endpoint is POST only; what GET answers is not documented.
  app.get('/oauth/v2/token', () => accountsJson({ error: 'invalid_request' }, 405));

  app.post('/oauth/v2/token/revoke', async (c) => revoke(state, await readParams(c.req)));

  // The newer documented form: Basic client credentials, `token` and `token_type`.
  app.post('/oauth/v2/revoke/token', async (c) => {
    const params = await readParams(c.req);
    const basic = readBasicCredentials(c.req.header('authorization'));
    if (basic && !isKnownClient(state, basic.clientId, basic.clientSecret)) {
      return revocationFailed(state);
    }
    return revoke(state, params);
  });

  app.get('/oauth/serverinfo', () => {
    const locations = Object.fromEntries(LOCATIONS.map((dc) => [dc, state.urls.accountsUrl]));
    return accountsJson({ result: 'success', locations });
  });

  return app;
}

/** The HTTP answer for a token request: JSON on HTTP 200, or an outage page. */
export function tokenResponse(outcome: TokenOutcome): Response {
  if (outcome.kind === 'outage') return html(OUTAGE_PAGE, 503);
  return accountsJson(outcome.body);
}

/** Token-request parameters from anywhere Zoho accepts them, Basic credentials included. */
export async function readTokenParams(req: HonoRequest): Promise<Params> {
  const params = await readParams(req);
  addBasicCredentials(params, req.header('authorization'));
  return params;
}

/** Basic auth is Zoho's fallback for client credentials: parameters win when present. */
function addBasicCredentials(params: Params, authorization: string | undefined): void {
  const basic = readBasicCredentials(authorization);
  if (!basic) return;
  if (!params.has('client_id') && basic.clientId !== '') params.set('client_id', basic.clientId);
  if (!params.has('client_secret') && basic.clientSecret !== '') {
    params.set('client_secret', basic.clientSecret);
  }
}

function revoke(state: EmulatorState, params: Params): Response {
  const token = params.get('token');
  if (token === undefined || state.tokens.revoke(token) === undefined) {
    return revocationFailed(state);
  }
  state.stats.countRevocation(true);
  return accountsJson({ status: 'success' });
}

/** Zoho documents HTTP 400 for a bad token but not the body; this one is the emulator's. */
function revocationFailed(state: EmulatorState): Response {
  state.stats.countRevocation(false);
  return accountsJson({ error: 'invalid_token', status: 'failure' }, 400);
}

function isKnownClient(state: EmulatorState, clientId: string, clientSecret: string): boolean {
  const client = state.clients.find(clientId);
  // Client-based apps have no secret and send only the id.
  return client !== undefined && (clientSecret === '' || clientSecret === client.clientSecret);
}

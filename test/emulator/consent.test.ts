import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { exchange, start, ZOHO_TOKEN } from './helpers.js';

const CALLBACK = 'http://127.0.0.1:9/callback';

function authUrl(zoho: RunningEmulator, extra: Record<string, string> = {}): URL {
  const url = new URL('/oauth/v2/auth', zoho.accountsUrl);
  const params = {
    client_id: zoho.clientId,
    response_type: 'code',
    redirect_uri: CALLBACK,
    scope: 'ZohoCRM.modules.ALL,ZohoCRM.users.READ',
    access_type: 'offline',
    ...extra,
  };
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return url;
}

/** Follows the consent flow as a browser would, returning the redirect's query. */
async function authorize(
  zoho: RunningEmulator,
  extra: Record<string, string> = {},
): Promise<URLSearchParams> {
  const response = await fetch(authUrl(zoho, extra), { redirect: 'manual' });
  expect(response.status).toBe(302);
  const location = new URL(String(response.headers.get('location')));
  expect(`${location.origin}${location.pathname}`).toBe(CALLBACK);
  return location.searchParams;
}

describe('consent page and redirect', () => {
  it('shows a consent page whose Accept button redirects with code, location and accounts-server', async () => {
    const { zoho } = await start();

    const page = await fetch(authUrl(zoho, { state: 'xyz 1' }));
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(html).toContain('value="accept">Accept</button>');
    expect(html).toContain('ZohoCRM.users.READ');
    const consentId = /name="consent_id" value="([0-9a-f]+)"/.exec(html)?.[1];
    expect(consentId).toBeDefined();

    const accepted = await fetch(`${zoho.accountsUrl}/oauth/v2/auth/consent`, {
      method: 'POST',
      body: new URLSearchParams({
        consent_id: String(consentId),
        decision: 'accept',
        email: 'browser.user@example.com',
      }),
      redirect: 'manual',
    });
    expect(accepted.status).toBe(302);
    const location = String(accepted.headers.get('location'));
    const query = new URL(location).searchParams;

    expect(query.get('code')).toMatch(ZOHO_TOKEN);
    expect(query.get('state')).toBe('xyz 1');
    expect(query.get('location')).toBe('us');
    expect(query.get('accounts-server')).toBe(zoho.accountsUrl);
    expect(location).toContain(`accounts-server=${encodeURIComponent(zoho.accountsUrl)}`);

    const tokens = await exchange(zoho, String(query.get('code')), { redirect_uri: CALLBACK });
    expect(tokens.refresh_token).toMatch(ZOHO_TOKEN);
    const me = await fetch(`${zoho.apiUrl}/crm/v8/users?type=CurrentUser`, {
      headers: { authorization: `Zoho-oauthtoken ${String(tokens.access_token)}` },
    });
    expect(await me.json()).toMatchObject({ users: [{ email: 'browser.user@example.com' }] });
  });

  it('redirects with error=access_denied when the user rejects', async () => {
    const { zoho } = await start();
    const html = await (await fetch(authUrl(zoho, { state: 's' }))).text();
    const consentId = String(/name="consent_id" value="([0-9a-f]+)"/.exec(html)?.[1]);

    const rejected = await fetch(`${zoho.accountsUrl}/oauth/v2/auth/consent`, {
      method: 'POST',
      body: new URLSearchParams({ consent_id: consentId, decision: 'deny' }),
      redirect: 'manual',
    });
    const query = new URL(String(rejected.headers.get('location'))).searchParams;

    expect(query.get('error')).toBe('access_denied');
    expect(query.get('state')).toBe('s');
    expect(query.has('code')).toBe(false);
  });

  it('redirects at once with autoApprove', async () => {
    const { zoho } = await start({ autoApprove: true });

    const query = await authorize(zoho, { state: 'abc' });

    expect(query.get('code')).toMatch(ZOHO_TOKEN);
    expect(query.get('state')).toBe('abc');
    expect(
      (await exchange(zoho, String(query.get('code')), { redirect_uri: CALLBACK })).scope,
    ).toBe('ZohoCRM.modules.ALL ZohoCRM.users.READ');
  });

  it('signs in as login_hint when auto-approving', async () => {
    const { zoho } = await start({ autoApprove: true });

    const code = String((await authorize(zoho, { login_hint: 'hinted@example.com' })).get('code'));
    const tokens = await exchange(zoho, code, { redirect_uri: CALLBACK });
    const me = await fetch(`${zoho.apiUrl}/crm/v8/users?type=CurrentUser`, {
      headers: { authorization: `Bearer ${String(tokens.access_token)}` },
    });

    expect(await me.json()).toMatchObject({ users: [{ email: 'hinted@example.com' }] });
  });

  it('gives a refresh token on the first offline consent only, unless prompt=consent', async () => {
    const { zoho } = await start({ autoApprove: true });
    const tokensFor = async (extra: Record<string, string>) =>
      exchange(zoho, String((await authorize(zoho, extra)).get('code')), {
        redirect_uri: CALLBACK,
      });

    expect((await tokensFor({ access_type: 'online' })).refresh_token).toBeUndefined();
    expect((await tokensFor({})).refresh_token).toMatch(ZOHO_TOKEN);
    const again = await tokensFor({});
    expect(Object.keys(again)).toEqual([
      'access_token',
      'scope',
      'api_domain',
      'token_type',
      'expires_in',
    ]);
    expect((await tokensFor({ prompt: 'consent' })).refresh_token).toMatch(ZOHO_TOKEN);
  });

  it('requires the same redirect_uri at exchange', async () => {
    const { zoho } = await start({ autoApprove: true });
    const code = String((await authorize(zoho)).get('code'));

    expect(await exchange(zoho, code, { redirect_uri: 'http://127.0.0.1:9/other' })).toEqual({
      error: 'invalid_redirect_uri',
    });
    expect(await exchange(zoho, code)).toEqual({ error: 'invalid_redirect_uri' });
    expect((await exchange(zoho, code, { redirect_uri: CALLBACK })).access_token).toMatch(
      ZOHO_TOKEN,
    );
  });

  it('shows Invalid Redirect Uri instead of redirecting to an unregistered URI', async () => {
    const { zoho, admin } = await start({ autoApprove: true });
    await admin.registerClient({
      client_id: '1000.WEBAPP',
      client_secret: 'web-secret',
      redirect_uris: ['https://app.example/cb'],
    });

    const response = await fetch(authUrl(zoho, { client_id: '1000.WEBAPP' }), {
      redirect: 'manual',
    });

    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
    expect(await response.text()).toContain('<title>Invalid Redirect Uri</title>');
  });

  it('checks a PKCE S256 verifier', async () => {
    const { zoho } = await start({ autoApprove: true });
    const verifier = 'a-verifier-that-is-long-enough-for-pkce-0123456789';
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const code = String(
      (await authorize(zoho, { code_challenge: challenge, code_challenge_method: 'S256' })).get(
        'code',
      ),
    );

    const withoutVerifier = await exchange(zoho, code, { redirect_uri: CALLBACK });
    const withVerifier = await exchange(zoho, code, {
      redirect_uri: CALLBACK,
      code_verifier: verifier,
    });

    expect(withoutVerifier).toEqual({ error: 'invalid_code' });
    expect(withVerifier.access_token).toMatch(ZOHO_TOKEN);
  });

  it('serves /oauth/serverinfo with loopback URLs only', async () => {
    const { zoho } = await start();

    const body = (await (await fetch(`${zoho.accountsUrl}/oauth/serverinfo`)).json()) as {
      result: string;
      locations: Record<string, string>;
    };

    expect(body.result).toBe('success');
    expect(body.locations.us).toBe(zoho.accountsUrl);
    expect(new Set(Object.values(body.locations))).toEqual(new Set([zoho.accountsUrl]));
  });
});

import { describe, expect, it } from 'vitest';
import {
  DEFAULT_CLIENT_ID,
  EmulatorAdminError,
  emulatorInfoLine,
  startEmulator,
} from '../../src/emulator/index.js';
import {
  crmGet,
  exchange,
  INVALID_TOKEN_BODY,
  login,
  postToken,
  refresh,
  start,
  THROTTLE_BODY,
  ZOHO_TOKEN,
} from './helpers.js';

describe('admin: stats', () => {
  it('counts token requests by grant type, errors, revocations and API calls', async () => {
    const { zoho, admin } = await start();
    const { accessToken, refreshToken } = await login(zoho, admin);
    await refresh(zoho, refreshToken);
    await refresh(zoho, 'unknown');
    await crmGet(zoho, '/crm/v8/org', accessToken);
    await crmGet(zoho, '/crm/v8/org');
    await postToken(zoho, { token: refreshToken }, 'query', '/oauth/v2/token/revoke');

    const stats = await admin.stats();

    expect(stats.token_requests).toEqual({
      authorization_code: 1,
      refresh_token: 2,
      client_credentials: 0,
    });
    expect(stats.token_errors).toEqual({ invalid_code: 1 });
    expect(stats.revocations).toBe(1);
    expect(stats.api_calls).toBe(2);
    expect(stats.grant_codes_issued).toBe(1);
  });

  it('resets counters but not live tokens', async () => {
    const { zoho, admin } = await start();
    await login(zoho, admin);

    const after = await admin.resetStats();

    expect(after.token_requests.authorization_code).toBe(0);
    expect(after.grant_codes_issued).toBe(0);
    expect([after.active_access_tokens, after.active_refresh_tokens]).toEqual([1, 1]);
  });
});

describe('admin: faults', () => {
  it('answers the next token requests with a 503 HTML page, still counting them', async () => {
    const { zoho, admin } = await start();
    const { refreshToken } = await login(zoho, admin);
    await admin.setFaults({ server_errors: 2 });

    const bodies: string[] = [];
    for (let i = 0; i < 2; i++) {
      const response = await fetch(`${zoho.accountsUrl}/oauth/v2/token`, {
        method: 'POST',
        body: new URLSearchParams({
          grant_type: 'refresh_token',
          client_id: zoho.clientId,
          client_secret: zoho.clientSecret,
          refresh_token: refreshToken,
        }),
      });
      expect(response.status).toBe(503);
      expect(response.headers.get('content-type')).toMatch(/^text\/html/);
      bodies.push(await response.text());
    }

    expect(() => JSON.parse(bodies[0] ?? '')).toThrow();
    expect((await refresh(zoho, refreshToken)).access_token).toMatch(ZOHO_TOKEN);
    const stats = await admin.stats();
    expect(stats.token_requests.refresh_token).toBe(3);
    expect(stats.faults_served.server_errors).toBe(2);
  });

  it('injects the throttle body and invalid_code, then behaves again', async () => {
    const { zoho, admin } = await start();
    const { refreshToken } = await login(zoho, admin);
    await admin.setFaults({ throttle: 1, invalid_code: 1 });

    expect(await refresh(zoho, refreshToken)).toEqual(THROTTLE_BODY);
    expect(await refresh(zoho, refreshToken)).toEqual({ error: 'invalid_code' });
    expect((await refresh(zoho, refreshToken)).access_token).toMatch(ZOHO_TOKEN);
    expect((await admin.stats()).token_errors).toEqual({ 'Access Denied': 1, invalid_code: 1 });
  });

  it('delays every token request until faults are cleared', async () => {
    const { zoho, admin } = await start();
    const { refreshToken } = await login(zoho, admin);
    await admin.setFaults({ latency_ms: 200, server_errors: 1 });
    const timed = async () => {
      const started = performance.now();
      await refresh(zoho, refreshToken).catch(() => undefined);
      return performance.now() - started;
    };

    expect(await timed()).toBeGreaterThanOrEqual(190);
    expect(await timed()).toBeGreaterThanOrEqual(190);
    expect(await admin.clearFaults()).toEqual({
      latency_ms: 0,
      server_errors: 0,
      throttle: 0,
      invalid_code: 0,
    });
    expect(await timed()).toBeLessThan(150);
  });

  it('rejects malformed fault settings', async () => {
    const { admin } = await start();

    await expect(admin.setFaults({ server_errors: -1 })).rejects.toBeInstanceOf(EmulatorAdminError);
    expect(await admin.faults()).toEqual({
      latency_ms: 0,
      server_errors: 0,
      throttle: 0,
      invalid_code: 0,
    });
  });
});

describe('admin: tokens, clock and clients', () => {
  it('expires every access token issued so far, leaving refresh working', async () => {
    const { zoho, admin } = await start();
    const one = await login(zoho, admin, 'a@example.com');
    const two = await login(zoho, admin, 'b@example.com');

    expect(await admin.expireAccessTokens()).toBe(2);

    for (const token of [one.accessToken, two.accessToken]) {
      expect(await crmGet(zoho, '/crm/v8/org', token)).toMatchObject({
        status: 401,
        body: INVALID_TOKEN_BODY,
      });
    }
    const fresh = String((await refresh(zoho, one.refreshToken)).access_token);
    expect((await crmGet(zoho, '/crm/v8/org', fresh)).status).toBe(200);
  });

  it('uses the default scope when none is given and accepts space-separated scopes', async () => {
    const { zoho, admin } = await start();

    const defaults = await exchange(zoho, await admin.mintGrantCode('a@example.com'));
    const spaced = await exchange(
      zoho,
      await admin.mintGrantCode('a@example.com', 'ZohoCRM.org.READ  ZohoCRM.users.READ'),
    );

    expect(defaults.scope).toBe('ZohoCRM.modules.ALL ZohoCRM.users.READ ZohoCRM.org.READ');
    expect(spaced.scope).toBe('ZohoCRM.org.READ ZohoCRM.users.READ');
  });

  it('rejects a grant-code request without a user or for an unknown client', async () => {
    const { admin } = await start();

    await expect(admin.mintGrantCode('not-an-email')).rejects.toMatchObject({ status: 400 });
    await expect(
      admin.mintGrantCode('a@example.com', undefined, { clientId: '1000.UNKNOWN' }),
    ).rejects.toThrow(/client_id is not a registered client/);
  });

  it('refuses to move the clock backwards', async () => {
    const { admin } = await start();

    await expect(admin.advanceClock(-1)).rejects.toMatchObject({ status: 400 });
    await admin.advanceClock(5_000);
    expect((await admin.stats()).clock_offset_ms).toBe(5_000);
  });

  it('registers clients with their own credentials', async () => {
    const { zoho, admin } = await start();
    await admin.registerClient({ client_id: '1000.SECOND', client_secret: 'second-secret' });
    const code = await admin.mintGrantCode('a@example.com', undefined, { clientId: '1000.SECOND' });

    const wrong = await postToken(zoho, {
      grant_type: 'authorization_code',
      client_id: '1000.SECOND',
      client_secret: zoho.clientSecret,
      code,
    });
    const right = await postToken(zoho, {
      grant_type: 'authorization_code',
      client_id: '1000.SECOND',
      client_secret: 'second-secret',
      code,
    });

    expect(wrong.body).toEqual({ error: 'invalid_client_secret' });
    expect(right.body.refresh_token).toMatch(ZOHO_TOKEN);
  });
});

describe('startEmulator', () => {
  it('prints the CLI info line and uses the configured client', async () => {
    const { zoho } = await start({ clientId: '1000.MYCLIENT', clientSecret: 'my-secret' });

    const info = JSON.parse(emulatorInfoLine(zoho)) as Record<string, string>;

    expect(info).toEqual({
      accounts_url: zoho.accountsUrl,
      api_url: zoho.apiUrl,
      admin_url: zoho.adminUrl,
      client_id: '1000.MYCLIENT',
      client_secret: 'my-secret',
    });
    expect(zoho.accountsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(zoho.adminUrl).toBe(`${zoho.accountsUrl}/_admin`);
  });

  it('defaults to a Zoho-shaped client id and stops answering after close', async () => {
    const zoho = await startEmulator();
    expect(zoho.clientId).toBe(DEFAULT_CLIENT_ID);
    expect(zoho.clientId).toMatch(/^1000\.[A-Z0-9]{30}$/);
    expect(zoho.clientSecret).toMatch(/^[0-9a-f]{42}$/);

    await zoho.close();
    await zoho.close();

    await expect(fetch(`${zoho.accountsUrl}/oauth/serverinfo`)).rejects.toThrow();
  });

  it('rejects a port that is taken', async () => {
    const { zoho } = await start();
    const port = Number(new URL(zoho.accountsUrl).port);

    await expect(startEmulator({ port })).rejects.toMatchObject({ code: 'EADDRINUSE' });
  });
});

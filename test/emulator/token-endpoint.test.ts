import { describe, expect, it } from 'vitest';
import {
  crmGet,
  exchange,
  INVALID_TOKEN_BODY,
  login,
  postToken,
  refresh,
  start,
  type Transport,
  ZOHO_TOKEN,
} from './helpers.js';

describe('token endpoint: authorization_code', () => {
  it.each<Transport>(['query', 'urlencoded', 'multipart'])(
    'exchanges a self-client code sent as %s',
    async (transport) => {
      const { zoho, admin } = await start();
      const code = await admin.mintGrantCode(
        'jane.doe@example.com',
        'ZohoCRM.modules.ALL,ZohoCRM.users.READ',
      );

      const { status, body, response } = await postToken(
        zoho,
        {
          grant_type: 'authorization_code',
          client_id: zoho.clientId,
          client_secret: zoho.clientSecret,
          code,
        },
        transport,
      );

      expect(status).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/json;charset=UTF-8');
      expect(Object.keys(body)).toEqual([
        'access_token',
        'refresh_token',
        'scope',
        'api_domain',
        'token_type',
        'expires_in',
      ]);
      expect(body.access_token).toMatch(ZOHO_TOKEN);
      expect(body.refresh_token).toMatch(ZOHO_TOKEN);
      expect(body.access_token).not.toBe(body.refresh_token);
      expect(body.scope).toBe('ZohoCRM.modules.ALL ZohoCRM.users.READ');
      expect(body.api_domain).toBe(zoho.apiUrl);
      expect(body.token_type).toBe('Bearer');
      expect(body.expires_in).toBe(3600);
    },
  );

  it('accepts a grant code only once, answering invalid_code on HTTP 200', async () => {
    const { zoho, admin } = await start();
    const code = await admin.mintGrantCode('jane.doe@example.com');

    expect((await exchange(zoho, code)).access_token).toMatch(ZOHO_TOKEN);
    const second = await postToken(zoho, {
      grant_type: 'authorization_code',
      client_id: zoho.clientId,
      client_secret: zoho.clientSecret,
      code,
    });

    expect(second.status).toBe(200);
    expect(second.body).toEqual({ error: 'invalid_code' });
  });

  it('expires a grant code after grantCodeTtlS on the emulator clock', async () => {
    const { zoho, admin } = await start();
    const early = await admin.mintGrantCode('jane.doe@example.com');
    const late = await admin.mintGrantCode('jane.doe@example.com');

    await admin.advanceClock(179_000);
    expect((await exchange(zoho, early)).access_token).toMatch(ZOHO_TOKEN);
    await admin.advanceClock(1_000);
    expect(await exchange(zoho, late)).toEqual({ error: 'invalid_code' });
  });

  it('honours a per-code ttl_s from the admin API', async () => {
    const { zoho, admin } = await start();
    const code = await admin.mintGrantCode('jane.doe@example.com', undefined, { ttlS: 600 });

    await admin.advanceClock(599_000);
    expect((await exchange(zoho, code)).refresh_token).toMatch(ZOHO_TOKEN);
  });

  it('rejects unknown clients and wrong secrets with their own error codes', async () => {
    const { zoho, admin } = await start();
    const code = await admin.mintGrantCode('jane.doe@example.com');
    const base = { grant_type: 'authorization_code', code };

    const unknown = await postToken(zoho, { ...base, client_id: '1000.NOPE', client_secret: 'x' });
    const missing = await postToken(zoho, { ...base, client_secret: zoho.clientSecret });
    const wrongSecret = await postToken(zoho, {
      ...base,
      client_id: zoho.clientId,
      client_secret: 'x',
    });

    expect([unknown.status, missing.status, wrongSecret.status]).toEqual([200, 200, 200]);
    expect(unknown.body).toEqual({ error: 'invalid_client' });
    expect(missing.body).toEqual({ error: 'invalid_client' });
    expect(wrongSecret.body).toEqual({ error: 'invalid_client_secret' });
    // The code survives failed attempts and still works.
    expect((await exchange(zoho, code)).access_token).toMatch(ZOHO_TOKEN);
  });

  it('takes client credentials from a Basic header when the parameters lack them', async () => {
    const { zoho, admin } = await start();
    const code = await admin.mintGrantCode('jane.doe@example.com');
    const basic = Buffer.from(`${zoho.clientId}:${zoho.clientSecret}`).toString('base64');

    const response = await fetch(`${zoho.accountsUrl}/oauth/v2/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${basic}` },
      body: new URLSearchParams({ grant_type: 'authorization_code', code }),
    });
    const body = (await response.json()) as Record<string, unknown>;

    expect(body.access_token).toMatch(ZOHO_TOKEN);
  });

  it('lets body parameters win over the query string', async () => {
    const { zoho, admin } = await start();
    const code = await admin.mintGrantCode('jane.doe@example.com');
    const url = new URL('/oauth/v2/token', zoho.accountsUrl);
    url.searchParams.set('code', 'not-a-code');

    const response = await fetch(url, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        client_id: zoho.clientId,
        client_secret: zoho.clientSecret,
        code,
      }),
    });

    expect(((await response.json()) as Record<string, unknown>).access_token).toMatch(ZOHO_TOKEN);
  });

  it('refuses a code minted for another client', async () => {
    const { zoho, admin } = await start();
    await admin.registerClient({ client_id: '1000.OTHER', client_secret: 'other-secret' });
    const code = await admin.mintGrantCode('jane.doe@example.com', undefined, {
      clientId: '1000.OTHER',
    });

    expect(await exchange(zoho, code)).toEqual({ error: 'invalid_code' });
    const own = await postToken(zoho, {
      grant_type: 'authorization_code',
      client_id: '1000.OTHER',
      client_secret: 'other-secret',
      code,
    });
    expect(own.body.access_token).toMatch(ZOHO_TOKEN);
  });

  it('answers unsupported_grant_type for a missing or unknown grant type', async () => {
    const { zoho } = await start();
    const creds = { client_id: zoho.clientId, client_secret: zoho.clientSecret };

    expect((await postToken(zoho, creds)).body).toEqual({ error: 'unsupported_grant_type' });
    expect((await postToken(zoho, { ...creds, grant_type: 'password' })).body).toEqual({
      error: 'unsupported_grant_type',
    });
  });
});

describe('token endpoint: refresh_token', () => {
  it('returns a new access token and no refresh_token', async () => {
    const { zoho, admin } = await start();
    const { accessToken, refreshToken } = await login(zoho, admin);

    const body = await refresh(zoho, refreshToken);

    expect(Object.keys(body)).toEqual([
      'access_token',
      'scope',
      'api_domain',
      'token_type',
      'expires_in',
    ]);
    expect(body.access_token).toMatch(ZOHO_TOKEN);
    expect(body.access_token).not.toBe(accessToken);
    expect(body.scope).toBe('ZohoCRM.modules.ALL ZohoCRM.users.READ ZohoCRM.org.READ');
    // Both access tokens stay valid: Zoho allows several live ones per refresh token.
    expect((await crmGet(zoho, '/crm/v8/org', accessToken)).status).toBe(200);
    expect((await crmGet(zoho, '/crm/v8/org', String(body.access_token))).status).toBe(200);
  });

  it('answers invalid_code for an unknown refresh token', async () => {
    const { zoho } = await start();

    expect(await refresh(zoho, `1000.${'a'.repeat(32)}.${'b'.repeat(32)}`)).toEqual({
      error: 'invalid_code',
    });
  });

  it('expires access tokens after accessTokenTtlS', async () => {
    const { zoho, admin } = await start({ accessTokenTtlS: 60 });
    const { accessToken, refreshToken } = await login(zoho, admin);

    await admin.advanceClock(59_000);
    expect((await crmGet(zoho, '/crm/v8/org', accessToken)).status).toBe(200);
    await admin.advanceClock(1_000);
    const expired = await crmGet(zoho, '/crm/v8/org', accessToken);

    expect(expired).toMatchObject({ status: 401, body: INVALID_TOKEN_BODY });
    expect((await refresh(zoho, refreshToken)).expires_in).toBe(60);
  });

  it('emits legacy expiry fields when asked', async () => {
    const { zoho, admin } = await start({ legacyExpiry: true });
    const body = await exchange(zoho, await admin.mintGrantCode('jane.doe@example.com'));

    expect(body.expires_in).toBe(3_600_000);
    expect(body.expires_in_sec).toBe(3600);
  });
});

describe('token endpoint: client_credentials', () => {
  it('issues an access token only, acting as the org named by soid', async () => {
    const { zoho, admin } = await start();
    const { user } = await admin.mintGrantCodeDetailed('owner@acme.test');

    const { body } = await postToken(zoho, {
      grant_type: 'client_credentials',
      client_id: zoho.clientId,
      client_secret: zoho.clientSecret,
      scope: 'ZohoCRM.users.READ',
      soid: `ZohoCRM.${user.org.id}`,
    });

    expect(Object.keys(body)).toEqual([
      'access_token',
      'scope',
      'api_domain',
      'token_type',
      'expires_in',
    ]);
    const me = await crmGet(zoho, '/crm/v8/users?type=CurrentUser', String(body.access_token));
    expect(me.body).toMatchObject({ users: [{ email: 'owner@acme.test', id: user.id }] });
  });

  it('answers missing_org_info for an unknown soid', async () => {
    const { zoho } = await start();

    const { body } = await postToken(zoho, {
      grant_type: 'client_credentials',
      client_id: zoho.clientId,
      client_secret: zoho.clientSecret,
      scope: 'ZohoCRM.users.READ',
      soid: 'ZohoCRM.123',
    });

    expect(body).toEqual({ error: 'missing_org_info' });
  });

  it('is also served at POST /oauth/v2/auth, where older CRM docs send it', async () => {
    const { zoho } = await start();

    const { body } = await postToken(
      zoho,
      {
        grant_type: 'client_credentials',
        client_id: zoho.clientId,
        client_secret: zoho.clientSecret,
        scope: 'ZohoCRM.org.READ',
      },
      'multipart',
      '/oauth/v2/auth',
    );

    expect(body.access_token).toMatch(ZOHO_TOKEN);
    expect(body.scope).toBe('ZohoCRM.org.READ');
    expect(body.refresh_token).toBeUndefined();
  });
});

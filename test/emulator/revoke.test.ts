import { describe, expect, it } from 'vitest';
import {
  crmGet,
  INVALID_TOKEN_BODY,
  login,
  postToken,
  refresh,
  start,
  type Transport,
  ZOHO_TOKEN,
} from './helpers.js';

describe('revoke', () => {
  it.each<Transport>(['query', 'urlencoded', 'multipart'])(
    'revokes a refresh token sent as %s, killing it and its access tokens',
    async (transport) => {
      const { zoho, admin } = await start();
      const { accessToken, refreshToken } = await login(zoho, admin);
      const refreshed = String((await refresh(zoho, refreshToken)).access_token);

      const revoked = await postToken(
        zoho,
        { token: refreshToken },
        transport,
        '/oauth/v2/token/revoke',
      );

      expect(revoked.status).toBe(200);
      expect(revoked.body).toEqual({ status: 'success' });
      expect(await refresh(zoho, refreshToken)).toEqual({ error: 'invalid_code' });
      for (const token of [accessToken, refreshed]) {
        expect(await crmGet(zoho, '/crm/v8/org', token)).toMatchObject({
          status: 401,
          body: INVALID_TOKEN_BODY,
        });
      }
    },
  );

  it('answers HTTP 400 for an unknown, already revoked or missing token', async () => {
    const { zoho, admin } = await start();
    const { refreshToken } = await login(zoho, admin);
    const path = '/oauth/v2/token/revoke';

    expect((await postToken(zoho, { token: refreshToken }, 'query', path)).status).toBe(200);
    expect((await postToken(zoho, { token: refreshToken }, 'query', path)).status).toBe(400);
    expect((await postToken(zoho, { token: 'nonsense' }, 'query', path)).status).toBe(400);
    expect((await postToken(zoho, {}, 'query', path)).status).toBe(400);
    const stats = await admin.stats();
    expect([stats.revocations, stats.revocation_failures]).toEqual([1, 3]);
  });

  it('revokes a single access token and leaves its refresh token working', async () => {
    const { zoho, admin } = await start();
    const { accessToken, refreshToken } = await login(zoho, admin);

    const revoked = await postToken(
      zoho,
      { token: accessToken },
      'urlencoded',
      '/oauth/v2/token/revoke',
    );

    expect(revoked.body).toEqual({ status: 'success' });
    expect((await crmGet(zoho, '/crm/v8/org', accessToken)).status).toBe(401);
    expect((await refresh(zoho, refreshToken)).access_token).toMatch(ZOHO_TOKEN);
  });

  it('serves the newer /oauth/v2/revoke/token form with Basic client credentials', async () => {
    const { zoho, admin } = await start();
    const { refreshToken } = await login(zoho, admin);
    const url = new URL('/oauth/v2/revoke/token', zoho.accountsUrl);
    url.searchParams.set('token', refreshToken);
    url.searchParams.set('token_type', 'refresh_token');
    const basic = (secret: string) =>
      `Basic ${Buffer.from(`${zoho.clientId}:${secret}`).toString('base64')}`;

    const wrong = await fetch(url, { method: 'POST', headers: { authorization: basic('x') } });
    expect(wrong.status).toBe(400);
    const right = await fetch(url, {
      method: 'POST',
      headers: { authorization: basic(zoho.clientSecret) },
    });

    expect(right.status).toBe(200);
    expect(await right.json()).toEqual({ status: 'success' });
    expect(await refresh(zoho, refreshToken)).toEqual({ error: 'invalid_code' });
  });
});

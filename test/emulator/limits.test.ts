import { describe, expect, it } from 'vitest';
import {
  crmGet,
  exchange,
  INVALID_TOKEN_BODY,
  login,
  refresh,
  start,
  TEN_MINUTES_MS,
  THROTTLE_BODY,
  ZOHO_TOKEN,
} from './helpers.js';

describe('per-refresh-token limits', () => {
  it('throttles the 11th refresh in ten minutes with Zoho’s Access Denied body', async () => {
    const { zoho, admin } = await start();
    const { refreshToken } = await login(zoho, admin);

    for (let i = 0; i < 10; i++) {
      expect((await refresh(zoho, refreshToken)).access_token).toMatch(ZOHO_TOKEN);
    }
    expect(await refresh(zoho, refreshToken)).toEqual(THROTTLE_BODY);
    await admin.advanceClock(TEN_MINUTES_MS - 1_000);
    expect(await refresh(zoho, refreshToken)).toEqual(THROTTLE_BODY);

    await admin.advanceClock(1_000);
    expect((await refresh(zoho, refreshToken)).access_token).toMatch(ZOHO_TOKEN);
    const stats = await admin.stats();
    expect(stats.token_requests.refresh_token).toBe(13);
    expect(stats.token_errors).toEqual({ 'Access Denied': 2 });
  });

  it('counts the limit per refresh token', async () => {
    const { zoho, admin } = await start({ refreshLimit: { count: 2, windowMs: 60_000 } });
    const first = await login(zoho, admin, 'a@example.com');
    const second = await login(zoho, admin, 'b@example.com');

    await refresh(zoho, first.refreshToken);
    await refresh(zoho, first.refreshToken);

    expect(await refresh(zoho, first.refreshToken)).toEqual(THROTTLE_BODY);
    expect((await refresh(zoho, second.refreshToken)).access_token).toMatch(ZOHO_TOKEN);
  });

  it('invalidates the oldest access token past maxActiveAccessTokens', async () => {
    const { zoho, admin } = await start({ maxActiveAccessTokens: 3 });
    const { accessToken: first, refreshToken } = await login(zoho, admin);
    const second = String((await refresh(zoho, refreshToken)).access_token);
    await refresh(zoho, refreshToken);

    expect((await crmGet(zoho, '/crm/v8/org', first)).status).toBe(200);
    await refresh(zoho, refreshToken);

    expect(await crmGet(zoho, '/crm/v8/org', first)).toMatchObject({
      status: 401,
      body: INVALID_TOKEN_BODY,
    });
    expect((await crmGet(zoho, '/crm/v8/org', second)).status).toBe(200);
    expect((await admin.stats()).active_access_tokens).toBe(3);
  });

  it('keeps 20 refresh tokens per user and client, evicting the oldest', async () => {
    const { zoho, admin } = await start();
    const first = await login(zoho, admin);
    for (let i = 0; i < 19; i++) await login(zoho, admin);

    expect((await refresh(zoho, first.refreshToken)).access_token).toMatch(ZOHO_TOKEN);
    const newest = await exchange(zoho, await admin.mintGrantCode('jane.doe@example.com'));

    expect(newest.refresh_token).toMatch(ZOHO_TOKEN);
    expect(await refresh(zoho, first.refreshToken)).toEqual({ error: 'invalid_code' });
    expect(await crmGet(zoho, '/crm/v8/org', first.accessToken)).toMatchObject({ status: 401 });
    expect((await admin.stats()).active_refresh_tokens).toBe(20);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryStore } from '../../src/store/memory/memory-store.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { TokenStore } from '../../src/store/token-store.js';
import { OAuthToken } from '../../src/token/oauth-token.js';
import { managerFor, type ZohoFixture, zohoEmulator } from '../support/zoho.js';

let zoho: ZohoFixture;
beforeAll(async () => {
  zoho = await zohoEmulator();
});
afterAll(async () => {
  await zoho.emulator.close();
});

/** Logs a user in through the emulator's self-client flow; returns the stored token. */
async function login(store: TokenStore, email: string) {
  const code = await zoho.admin.mintGrantCode(email);
  return managerFor(zoho, store).exchangeGrantCode(code);
}

/** Makes the stored token look expired, as after an hour of idleness. */
async function expireStored(store: TokenStore, id: string) {
  const stored = (await store.findTokenById(id))!;
  await store.saveToken(stored.with({ expiresAt: Date.now() - 1000 }));
}

describe.each([
  ['memory', () => new MemoryStore()],
  ['sqlite', () => new SqliteStore({ path: ':memory:' })],
])('TokenManager on the %s store', (_name, createStore) => {
  it('exchanges a grant code once and stores the token under email:zgid', async () => {
    const store = createStore();
    const before = await zoho.admin.stats();
    const code = await zoho.admin.mintGrantCode('ada@example.com');
    const manager = managerFor(zoho, store);

    const token = await manager.exchangeGrantCode(code);
    const again = await manager.exchangeGrantCode(code);

    const user = await zoho.admin.user('ada@example.com');
    expect(token.userSignature).toBe(`ada@example.com:${user.org.zgid}`);
    expect(token.apiDomain).toBe(zoho.emulator.apiUrl);
    expect(token.refreshToken).toMatch(/^1000\./);
    expect(again.id).toBe(token.id);
    expect(await store.getTokens()).toHaveLength(1);
    const after = await zoho.admin.stats();
    expect(after.token_requests.authorization_code - before.token_requests.authorization_code).toBe(
      1,
    );
  });

  it('sends exactly one refresh for 100 concurrent callers on an expired token', async () => {
    const store = createStore();
    const token = await login(store, 'grace@example.com');
    await expireStored(store, token.id!);
    const manager = managerFor(zoho, store);
    const before = (await zoho.admin.stats()).token_requests.refresh_token;

    const tokens = await Promise.all(
      Array.from({ length: 100 }, () => manager.getAccessToken({ id: token.id! })),
    );

    expect((await zoho.admin.stats()).token_requests.refresh_token - before).toBe(1);
    expect(new Set(tokens).size).toBe(1);
    expect(tokens[0]).not.toBe(token.accessToken);
    expect((await store.findTokenById(token.id!))!.accessToken).toBe(tokens[0]);
  });

  it('refreshes 20 users at once with 20 requests, and never hands one user another’s token', async () => {
    const store = createStore();
    const emails = Array.from({ length: 20 }, (_, i) => `user${i}.${Date.now()}@example.com`);
    const tokens = await Promise.all(emails.map((email) => login(store, email)));
    for (const token of tokens) await expireStored(store, token.id!);
    const manager = managerFor(zoho, store);
    const before = (await zoho.admin.stats()).token_requests.refresh_token;

    const calls = tokens.flatMap((token) =>
      Array.from({ length: 5 }, async () => ({
        user: token.userSignature!,
        accessToken: await manager.getAccessToken({ user: token.userSignature! }),
      })),
    );
    const results = await Promise.all(calls);

    expect((await zoho.admin.stats()).token_requests.refresh_token - before).toBe(20);
    for (const { user, accessToken } of results) {
      const response = await fetch(`${zoho.emulator.apiUrl}/crm/v8/users?type=CurrentUser`, {
        headers: { authorization: `Zoho-oauthtoken ${accessToken}` },
      });
      const body = (await response.json()) as { users: { email: string }[] };
      expect(`${body.users[0]!.email}:`).toBe(user.slice(0, user.lastIndexOf(':') + 1));
    }
    expect(new Set(results.map((result) => result.accessToken)).size).toBe(20);
  });

  it('keeps the stored refresh token when the refresh response has none', async () => {
    const store = createStore();
    const token = await login(store, 'linus@example.com');
    await expireStored(store, token.id!);

    const refreshed = await managerFor(zoho, store).refresh({ id: token.id! });

    const stored = (await store.findTokenById(token.id!))!;
    expect(stored.refreshToken).toBe(token.refreshToken);
    expect(refreshed.refreshToken).toBe(token.refreshToken);
    expect(stored.accessToken).not.toBe(token.accessToken);
    expect(stored.apiDomain).toBe(token.apiDomain);
  });

  it('serves a valid token from memory with no store I/O', async () => {
    const backing = createStore();
    const token = await login(backing, 'barbara@example.com');
    const counts = { reads: 0 };
    const counting: TokenStore = {
      findToken: (query) => {
        counts.reads++;
        return backing.findToken(query);
      },
      findTokenById: (id) => {
        counts.reads++;
        return backing.findTokenById(id);
      },
      saveToken: (t) => backing.saveToken(t),
      deleteToken: (id) => backing.deleteToken(id),
      getTokens: () => backing.getTokens(),
      deleteTokens: () => backing.deleteTokens(),
    };
    const manager = managerFor(zoho, counting);

    const first = await manager.getAccessToken({ id: token.id! });
    const readsAfterFirst = counts.reads;
    for (let i = 0; i < 1000; i++) await manager.getAccessToken({ id: token.id! });

    expect(first).toBe(token.accessToken);
    expect(readsAfterFirst).toBe(1);
    expect(counts.reads).toBe(1);
  });

  it('retries one 401 INVALID_TOKEN for 100 concurrent API calls with one refresh', async () => {
    const store = createStore();
    const token = await login(store, 'margaret@example.com');
    const manager = managerFor(zoho, store);
    await manager.getAccessToken({ id: token.id! });
    await zoho.admin.expireAccessTokens();
    const before = (await zoho.admin.stats()).token_requests.refresh_token;

    const responses = await Promise.all(
      Array.from({ length: 100 }, () =>
        manager.fetch({ id: token.id! }, '/crm/v8/users?type=CurrentUser'),
      ),
    );

    expect(responses.map((response) => response.status)).toEqual(Array(100).fill(200));
    expect((await zoho.admin.stats()).token_requests.refresh_token - before).toBe(1);
  });

  it('follows the official flow for a token given by refresh token only', async () => {
    const store = createStore();
    const token = await login(store, 'edsger@example.com');
    const other = createStore();
    const manager = managerFor(zoho, other);

    const accessToken = await manager.getAccessToken(
      new OAuthToken({ refreshToken: token.refreshToken, ...zoho.client }),
    );

    const saved = await other.getTokens();
    expect(saved).toHaveLength(1);
    expect(saved[0]!.accessToken).toBe(accessToken);
    expect(saved[0]!.refreshToken).toBe(token.refreshToken);
    expect(saved[0]!.userSignature).toBe(token.userSignature);
  });
});

describe('TokenManager references', () => {
  it('names a missing user in a typed error', async () => {
    const manager = managerFor(zoho, new MemoryStore());

    await expect(manager.getAccessToken({ user: 'nobody@example.com' })).rejects.toMatchObject({
      code: 'ERR_TOKEN_NOT_FOUND',
      message: expect.stringContaining('nobody@example.com'),
    });
  });

  it('refuses to move a stored token to a data centre it does not belong to', async () => {
    const store = new MemoryStore();
    const token = await store.saveToken(
      new OAuthToken({
        userSignature: 'x@example.com',
        refreshToken: 'r',
        accessToken: 'a',
        expiresAt: 1,
        apiDomain: 'https://crm.unknown.example',
        ...zoho.client,
      }),
    );

    await expect(managerFor(zoho, store).getAccessToken({ id: token.id! })).rejects.toMatchObject({
      code: 'ERR_DATA_CENTRE',
    });
  });
});

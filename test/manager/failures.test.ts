import { inspect } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isZohoTokensError } from '../../src/errors.js';
import { OAuthError } from '../../src/oauth/oauth-error.js';
import { MemoryStore } from '../../src/store/memory/memory-store.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { OAuthToken } from '../../src/token/oauth-token.js';
import { managerFor, recordingLogger, type ZohoFixture, zohoEmulator } from '../support/zoho.js';

let zoho: ZohoFixture;
beforeAll(async () => {
  zoho = await zohoEmulator();
});
afterAll(async () => {
  await zoho.emulator.close();
});
beforeEach(async () => {
  await zoho.admin.clearFaults();
});

/** The token values a failure must leave exactly as they were. */
function secrets(token: OAuthToken | null) {
  return token && [token.refreshToken, token.accessToken, token.expiresAt, token.clientSecret];
}

async function expiredLogin(store: MemoryStore | SqliteStore, email: string) {
  const code = await zoho.admin.mintGrantCode(email);
  const token = await managerFor(zoho, store).exchangeGrantCode(code);
  return store.saveToken(token.with({ expiresAt: Date.now() - 1000 }));
}

describe('token endpoint failures', () => {
  it('reads invalid_code from an HTTP 200 body as a permanent error and stores nothing', async () => {
    const store = new SqliteStore({ path: ':memory:' });
    const code = await zoho.admin.mintGrantCode('alan@example.com');
    await zoho.admin.setFaults({ invalid_code: 1 });

    const error = await managerFor(zoho, store)
      .exchangeGrantCode(code)
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(OAuthError);
    expect(error).toMatchObject({ code: 'ERR_OAUTH_REJECTED', zohoError: 'invalid_code' });
    expect((error as OAuthError).transient).toBe(false);
    expect(await store.getTokens()).toEqual([]);
  });

  it('marks a token needing a new login when its refresh is refused, keeping its values', async () => {
    const store = new MemoryStore();
    const token = await expiredLogin(store, 'kurt@example.com');
    await zoho.admin.setFaults({ invalid_code: 1 });
    const manager = managerFor(zoho, store);

    await expect(manager.getAccessToken({ id: token.id! })).rejects.toMatchObject({
      code: 'ERR_NEEDS_LOGIN',
    });
    const stored = await store.findTokenById(token.id!);
    expect(secrets(stored)).toEqual(secrets(token));
    expect(stored!.state).toEqual({ kind: 'needs-login', reason: 'invalid_code' });

    // Every instance sees the verdict: a fresh manager does not ask Zoho again.
    const before = (await zoho.admin.stats()).token_requests.refresh_token;
    await expect(managerFor(zoho, store).getAccessToken({ id: token.id! })).rejects.toMatchObject({
      code: 'ERR_NEEDS_LOGIN',
    });
    expect((await zoho.admin.stats()).token_requests.refresh_token).toBe(before);
  });

  it('retries 5xx answers with backoff and then succeeds', async () => {
    const store = new MemoryStore();
    const token = await expiredLogin(store, 'ada.l@example.com');
    await zoho.admin.setFaults({ server_errors: 2 });
    const before = (await zoho.admin.stats()).token_requests.refresh_token;

    const accessToken = await managerFor(zoho, store).getAccessToken({ id: token.id! });

    expect((await zoho.admin.stats()).token_requests.refresh_token - before).toBe(3);
    expect((await store.findTokenById(token.id!))!.accessToken).toBe(accessToken);
  });

  it('retries the throttle body and then succeeds', async () => {
    const store = new MemoryStore();
    const token = await expiredLogin(store, 'hedy@example.com');
    await zoho.admin.setFaults({ throttle: 2 });
    const before = (await zoho.admin.stats()).token_requests.refresh_token;

    const accessToken = await managerFor(zoho, store).getAccessToken({ id: token.id! });

    expect((await zoho.admin.stats()).token_requests.refresh_token - before).toBe(3);
    expect(accessToken).not.toBe(token.accessToken);
  });

  it.each([
    ['server_errors', 'ERR_OAUTH_UNAVAILABLE'],
    ['throttle', 'ERR_OAUTH_THROTTLED'],
  ] as const)(
    'gives up on endless %s with %s, store values unchanged, and cools down',
    async (fault, code) => {
      const store = new MemoryStore();
      const token = await expiredLogin(store, `${fault}@example.com`);
      await zoho.admin.setFaults({ [fault]: 50 });
      const manager = managerFor(zoho, store);
      const before = (await zoho.admin.stats()).token_requests.refresh_token;

      const error = await manager.getAccessToken({ id: token.id! }).catch((e: unknown) => e);

      expect(error).toMatchObject({ code, kind: 'transient' });
      expect((await zoho.admin.stats()).token_requests.refresh_token - before).toBe(4);
      const stored = await store.findTokenById(token.id!);
      expect(secrets(stored)).toEqual(secrets(token));
      expect(stored!.state?.kind).toBe('cooling-down');

      // While cooling down, another instance does not hammer Zoho.
      await expect(managerFor(zoho, store).getAccessToken({ id: token.id! })).rejects.toMatchObject(
        {
          code: 'ERR_OAUTH_THROTTLED',
        },
      );
      expect((await zoho.admin.stats()).token_requests.refresh_token - before).toBe(4);
    },
  );

  it('stays under Zoho’s 10 refreshes per refresh token per 10 minutes', async () => {
    const store = new MemoryStore();
    const token = await expiredLogin(store, 'limit@example.com');
    const manager = managerFor(zoho, store);
    const before = (await zoho.admin.stats()).token_requests.refresh_token;

    for (let i = 0; i < 10; i++) await manager.refresh({ id: token.id! });
    await store.saveToken((await store.findTokenById(token.id!))!.with({ expiresAt: 1 }));
    const eleventh = await manager.refresh({ id: token.id! }).catch((e: unknown) => e);

    expect((await zoho.admin.stats()).token_requests.refresh_token - before).toBe(10);
    expect(eleventh).toMatchObject({ code: 'ERR_OAUTH_THROTTLED' });
  });
});

describe('explicit refresh', () => {
  it('rejects instead of handing back the old token when Zoho cannot be reached', async () => {
    const store = new MemoryStore();
    const code = await zoho.admin.mintGrantCode('explicit@example.com');
    const token = await managerFor(zoho, store).exchangeGrantCode(code);
    await zoho.admin.setFaults({ server_errors: 50 });

    const error = await managerFor(zoho, store)
      .refresh({ id: token.id! })
      .catch((e: unknown) => e);

    expect(error).toMatchObject({ code: 'ERR_OAUTH_UNAVAILABLE' });
    expect((await store.findTokenById(token.id!))!.accessToken).toBe(token.accessToken);
  });

  it('asks Zoho again for a token marked as needing a login, and clears the mark on success', async () => {
    const store = new MemoryStore();
    const token = await expiredLogin(store, 'second-chance@example.com');
    await zoho.admin.setFaults({ invalid_code: 1 });
    const manager = managerFor(zoho, store);
    await expect(manager.getAccessToken({ id: token.id! })).rejects.toMatchObject({
      code: 'ERR_NEEDS_LOGIN',
    });

    const refreshed = await manager.refresh({ id: token.id! });

    expect(refreshed.accessToken).not.toBe(token.accessToken);
    expect((await store.findTokenById(token.id!))!.state).toBeNull();
    expect(await manager.getAccessToken({ id: token.id! })).toBe(refreshed.accessToken);
  });

  it('rejects once the refresh limit is reached, rather than reporting the old token', async () => {
    const store = new MemoryStore();
    const code = await zoho.admin.mintGrantCode('eager@example.com');
    const manager = managerFor(zoho, store, { refreshLimit: { count: 2, windowMs: 60_000 } });
    const token = await manager.exchangeGrantCode(code);

    await manager.refresh({ id: token.id! });
    await manager.refresh({ id: token.id! });

    await expect(manager.refresh({ id: token.id! })).rejects.toMatchObject({
      code: 'ERR_OAUTH_THROTTLED',
    });
  });
});

describe('CRM calls', () => {
  it('never sends a token to another host', async () => {
    const store = new MemoryStore();
    const code = await zoho.admin.mintGrantCode('careful@example.com');
    const manager = managerFor(zoho, store);
    const token = await manager.exchangeGrantCode(code);
    const before = (await zoho.admin.stats()).api_calls;

    await expect(
      manager.fetch({ id: token.id! }, 'http://127.0.0.2:9/crm/v8/org'),
    ).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
    const same = await manager.fetch({ id: token.id! }, `${zoho.emulator.apiUrl}/crm/v8/org`);
    expect(same.status).toBe(200);
    expect((await zoho.admin.stats()).api_calls - before).toBe(1);
  });
});

describe('secrets', () => {
  it('never puts a token value in a log line or an error message, even at debug level', async () => {
    const canary = 'CANARY0secret0value0that0must0never0leak0anywhere';
    await zoho.admin.registerClient({ client_id: '1000.CANARYCLIENT', client_secret: canary });
    const { logger, lines } = recordingLogger();
    const store = new MemoryStore();
    const options = { logger, client: { clientId: '1000.CANARYCLIENT', clientSecret: canary } };
    const manager = managerFor(zoho, store, options);
    const messages: string[] = [];
    const capture = (error: unknown) => {
      messages.push(String(error), inspect(error, { depth: 5 }), JSON.stringify(error));
      if (isZohoTokensError(error)) messages.push(error.message);
    };

    const code = await zoho.admin.mintGrantCode('canary@example.com', undefined, {
      clientId: '1000.CANARYCLIENT',
    });
    const token = await manager.exchangeGrantCode(code);
    await store.saveToken(token.with({ expiresAt: 1 }));
    await zoho.admin.setFaults({ server_errors: 50 });
    await manager.getAccessToken({ id: token.id! }).catch(capture);
    await zoho.admin.clearFaults();
    await zoho.admin.setFaults({ invalid_code: 1 });
    await managerFor(zoho, new MemoryStore(), options).exchangeGrantCode('bogus').catch(capture);
    await manager.refresh({ id: token.id! }).catch(capture);
    messages.push(inspect(token), JSON.stringify(token), String(token));

    const values = [canary, token.refreshToken!, token.accessToken!, code];
    expect(lines.length).toBeGreaterThan(3);
    expect(messages.length).toBeGreaterThan(6);
    for (const text of [...lines, ...messages]) {
      for (const value of values) expect(text).not.toContain(value);
    }
  });
});

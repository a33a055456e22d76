import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isZohoTokensError } from '../../src/errors.js';
import { openStore } from '../../src/store/open-store.js';
import type { TokenStore } from '../../src/store/token-store.js';
import { OAuthToken } from '../../src/token/oauth-token.js';
import {
  canRunPrivateServer,
  type PrivateServer,
  type PrivateServerKind,
  privateServer,
} from '../support/private-server.js';
import { managerFor, type ZohoFixture, zohoEmulator } from '../support/zoho.js';

const TIMEOUT_MS = 1000;

/** Store URLs with short timeouts, so an outage is reported promptly. */
const OPTIONS: Record<PrivateServerKind, string> = {
  mysql: `?connectTimeoutMs=${TIMEOUT_MS}&queryTimeoutMs=${TIMEOUT_MS}`,
  postgres: `?connectTimeoutMs=${TIMEOUT_MS}&queryTimeoutMs=${TIMEOUT_MS}`,
  redis: `?connectTimeoutMs=${TIMEOUT_MS}&commandTimeoutMs=${TIMEOUT_MS}`,
};

let zoho: ZohoFixture;
beforeAll(async () => {
  zoho = await zohoEmulator();
});
afterAll(async () => {
  await zoho.emulator.close();
});

/** The code a failed call rejected with, and how long it took to fail. */
async function failureOf(call: () => Promise<unknown>): Promise<{ code: string; ms: number }> {
  const started = Date.now();
  try {
    await call();
  } catch (error) {
    if (!isZohoTokensError(error)) throw error;
    return { code: error.code, ms: Date.now() - started };
  }
  throw new Error('expected the call to fail');
}

/** Retries while a restarted server is still starting up (PostgreSQL refuses for a moment). */
async function eventually<T>(call: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (attempt >= 50 || !isZohoTokensError(error, 'ERR_STORE_UNAVAILABLE')) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

const KINDS: PrivateServerKind[] = ['mysql', 'postgres', 'redis'];

for (const kind of KINDS) {
  const suite = canRunPrivateServer(kind) ? describe : describe.skip;
  suite(`the ${kind} server stops during a run`, () => {
    let server: PrivateServer;
    let store: TokenStore;

    beforeAll(async () => {
      server = await privateServer(kind);
      await server.start();
      store = await eventually(async () => {
        const opened = await openStore(`${server.url}${OPTIONS[kind]}`);
        await opened.getTokens();
        return opened;
      });
    }, 60_000);
    afterAll(async () => {
      await store?.close?.();
      await server?.destroy();
    });

    it('fails with a typed error in time, then works again in the same process', async () => {
      const code = await zoho.admin.mintGrantCode(`outage-${kind}@example.com`);
      const manager = managerFor(zoho, store);
      const token = await manager.exchangeGrantCode(code);
      const others = await Promise.all(
        ['a', 'b', 'c'].map((name) =>
          store.saveToken(
            new OAuthToken({ userSignature: `${name}@x`, refreshToken: `r-${name}` }),
          ),
        ),
      );
      await store.saveToken(token.with({ expiresAt: Date.now() - 1000 }));

      await server.stop();
      const lookup = await failureOf(() => store.findToken({ userSignature: 'a@x' }));
      const save = await failureOf(() =>
        store.saveToken(new OAuthToken({ userSignature: 'd@x', refreshToken: 'r-d' })),
      );
      const refresh = await failureOf(() =>
        managerFor(zoho, store).getAccessToken({ id: token.id! }),
      );

      for (const failure of [lookup, save, refresh]) {
        expect(failure.code).toBe('ERR_STORE_UNAVAILABLE');
        expect(failure.ms).toBeLessThan(TIMEOUT_MS * 3 + 1000);
      }

      await server.start();
      const accessToken = await eventually(() => manager.getAccessToken({ id: token.id! }));
      const stored = await store.getTokens();
      expect(stored.map((t) => t.userSignature).sort()).toEqual(
        ['a@x', 'b@x', 'c@x', token.userSignature].sort(),
      );
      for (const other of others) {
        expect((await store.findTokenById(other.id!))?.refreshToken).toBe(other.refreshToken);
      }
      expect((await store.findTokenById(token.id!))?.accessToken).toBe(accessToken);
      expect((await store.findTokenById(token.id!))?.refreshToken).toBe(token.refreshToken);
    }, 60_000);
  });
}

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenManager } from '../../src/manager/token-manager.js';
import { openStore } from '../../src/store/open-store.js';
import type { TokenStore } from '../../src/store/token-store.js';
import { runFleet, startWorker } from '../support/fleet.js';
import { dropScratch } from '../support/scratch.js';
import { describeWithService, SERVICES, type ServiceName } from '../support/services.js';
import { type ZohoFixture, zohoEmulator } from '../support/zoho.js';

let zoho: ZohoFixture;
beforeAll(async () => {
  zoho = await zohoEmulator();
});
afterAll(async () => {
  await zoho.emulator.close();
});

const unique = () => `${process.pid}_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
const tempFile = (name: string) => join(mkdtempSync(join(tmpdir(), 'zt-fleet-')), name);

/** The stores processes can share, each a fresh place per run; `service` names a real server. */
const STORES: [string, ServiceName | null, () => string][] = [
  ['sqlite', null, () => `sqlite:${tempFile('tokens.db')}`],
  ['file', null, () => `file:${tempFile('sdk_tokens.csv')}`],
  ['mysql', 'mysql', () => `${SERVICES.mysql.url}?table=fleet_${unique()}`],
  ['postgres', 'postgres', () => `${SERVICES.postgres.url}?table=fleet_${unique()}`],
  ['redis', 'redis', () => `${SERVICES.redis.url}?prefix=zt-fleet-${unique()}`],
];

async function expiredToken(store: TokenStore, email: string) {
  const manager = new TokenManager({ store, environment: zoho.environment, client: zoho.client });
  const token = await manager.exchangeGrantCode(await zoho.admin.mintGrantCode(email));
  return store.saveToken(token.with({ expiresAt: Date.now() - 1000 }));
}

function workerArgs(url: string, id: string, calls: string): string[] {
  const { clientId, clientSecret } = zoho.client;
  return [url, zoho.emulator.accountsUrl, clientId, clientSecret, id, calls];
}

for (const [name, service, makeUrl] of STORES) {
  const suite = service === null ? describe : await describeWithService(service);
  suite(`a fleet sharing the ${name} store`, () => {
    it('sends one refresh for 8 processes x 50 concurrent calls on an expired token', async () => {
      const url = makeUrl();
      const store = await openStore(url);
      const token = await expiredToken(store, `fleet-${name}@example.com`);
      const workers = await Promise.all(
        Array.from({ length: 8 }, () => startWorker(workerArgs(url, token.id!, '50'), 'ready')),
      );
      const before = (await zoho.admin.stats()).token_requests.refresh_token;

      const results = await runFleet(workers);

      expect((await zoho.admin.stats()).token_requests.refresh_token - before).toBe(1);
      const stored = await store.findTokenById(token.id!);
      expect(stored!.accessToken).not.toBe(token.accessToken);
      for (const result of results) expect(result.tokens).toEqual([stored!.accessToken]);
      await store.close?.();
      await dropScratch(url);
    }, 120_000);

    it('takes over the lease of a process killed with SIGKILL within the TTL plus 1 s', async () => {
      const url = makeUrl();
      const store = await openStore(url);
      const token = await expiredToken(store, `killed-${name}@example.com`);
      const holder = await startWorker(workerArgs(url, token.id!, 'hold-lease'), 'held');
      const waiter = await startWorker(workerArgs(url, token.id!, '5'), 'ready');

      holder.child.kill('SIGKILL');
      const killedAt = Date.now();
      const [result] = await runFleet([waiter]);
      const elapsed = Date.now() - killedAt;

      expect(result!.tokens).toEqual([(await store.findTokenById(token.id!))!.accessToken]);
      expect(elapsed).toBeLessThan(2000 + 1000);
      await store.close?.();
      await dropScratch(url);
    }, 60_000);
  });
}

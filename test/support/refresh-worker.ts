/**
 * One OS process of a fleet sharing a store: it opens the store, says `ready`, waits for a line
 * on stdin, then makes CALLS concurrent `getAccessToken` calls for token ID and prints the
 * distinct access tokens it got as JSON.
 *
 * `node --import tsx test/support/refresh-worker.ts STORE_URL ACCOUNTS_URL CLIENT_ID SECRET ID CALLS`
 *
 * With CALLS = `hold-lease`, it takes the token's refresh lease instead and waits to be killed.
 */
import { once } from 'node:events';
import { TokenManager } from '../../src/manager/token-manager.js';
import { customEnvironment } from '../../src/oauth/data-centres.js';
import { openStore } from '../../src/store/open-store.js';

const [storeUrl, accountsUrl, clientId, clientSecret, id, calls] = process.argv.slice(2);
const store = await openStore(storeUrl!);

if (calls === 'hold-lease') {
  const lease = await store.acquireLease!(`refresh:${id}`, { ttlMs: 2000, waitMs: 10_000 });
  process.stdout.write(lease === null ? 'busy\n' : 'held\n');
  await new Promise(() => {});
}

const manager = new TokenManager({
  store,
  environment: customEnvironment({ accountsUrl: accountsUrl!, apiUrl: accountsUrl! }),
  client: { clientId: clientId!, clientSecret: clientSecret! },
  lease: { ttlMs: 2000, waitMs: 15_000 },
});
process.stdout.write('ready\n');
await once(process.stdin, 'data');

const tokens = await Promise.all(
  Array.from({ length: Number(calls) }, () => manager.getAccessToken({ id: id! })),
);
process.stdout.write(`${JSON.stringify({ tokens: [...new Set(tokens)], stats: manager.stats })}\n`);
await store.close?.();
process.exit(0);

/**
 * A separate OS process that takes a store lease and holds it until told to release it:
 * `node --import tsx test/store/sql/lease-worker.ts URL KEY TTL_MS`. It prints `held` once it
 * holds the lease, releases it on a `release` line on stdin, then prints `released`. Tests kill
 * it with SIGKILL to play a crashed holder.
 */
import { createInterface } from 'node:readline';
import { openStore } from '../../../src/store/open-store.js';

const [url, key, ttlMs] = process.argv.slice(2);
const store = await openStore(url!);
const lease = await store.acquireLease!(key!, { ttlMs: Number(ttlMs), waitMs: 20_000 });
if (lease === null) {
  console.log('not acquired');
  process.exit(2);
}
console.log('held');

for await (const line of createInterface({ input: process.stdin })) {
  if (line.trim() === 'release') break;
}
await lease.release();
console.log('released');
await store.close?.();

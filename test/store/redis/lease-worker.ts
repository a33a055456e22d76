// A separate OS process that takes a lease, says "held", and keeps it until told "release" on
// stdin (or until it is killed). Run: node --import tsx lease-worker.ts URL PREFIX KEY TTL_MS
import { RedisStore } from '../../../src/store/redis/redis-store.js';

const [url, prefix, key, ttlMs] = process.argv.slice(2);
const store = new RedisStore({ url, prefix });

const lease = await store.acquireLease(key!, { ttlMs: Number(ttlMs), waitMs: 10_000 });
if (lease === null) {
  process.stdout.write('timeout\n');
  process.exit(1);
}
process.stdout.write('held\n');

process.stdin.setEncoding('utf8');
process.stdin.on('data', async (text: string) => {
  if (!text.includes('release')) return;

  await lease.release();
  process.stdout.write('released\n');
  await store.close();
  process.exit(0);
});

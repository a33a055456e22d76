import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { registerConformanceTests } from '../../../src/conformance/index.js';
import { RedisStore } from '../../../src/store/redis/redis-store.js';
import type { TokenStore } from '../../../src/store/token-store.js';
import { describeWithService, SERVICES } from '../../support/services.js';
import { dropPrefix, rawRedis, uniquePrefix } from './redis-helpers.js';

const describeRedis = await describeWithService('redis');
const base = uniquePrefix('redis-conformance');
let raw: Redis;
let count = 0;

function storeOf(store: TokenStore): RedisStore {
  return store as RedisStore;
}

describeRedis('RedisStore', () => {
  beforeAll(() => {
    raw = rawRedis();
  });
  afterAll(async () => {
    await raw.quit();
  });

  // One prefix per check: a fresh, empty store, as the kit asks.
  registerConformanceTests(
    () => {
      count += 1;
      return new RedisStore({ url: SERVICES.redis.url, prefix: `${base}-${count}` });
    },
    { describe, it },
    {
      reopen: (store) => new RedisStore({ url: SERVICES.redis.url, prefix: storeOf(store).prefix }),
      // Closing the client is this store's outage: every call must then fail, typed.
      breakStore: (store) => store.close?.(),
      cleanup: async (store) => {
        await store.close?.();
        await dropPrefix(raw, storeOf(store).prefix);
      },
      rawRead: async (store) => {
        const prefix = storeOf(store).prefix;
        const ids = await raw.smembers(`${prefix}:ids`);
        return Promise.all(ids.map((id) => raw.hgetall(`${prefix}:token:${id}`)));
      },
      capabilities: { leases: true, compareAndSave: true, close: true },
    },
  );
});

import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isZohoTokensError, type ZohoTokensError } from '../../../src/errors.js';
import { openStore } from '../../../src/store/open-store.js';
import { parseRedisUrl } from '../../../src/store/redis/redis-config.js';
import { RedisStore } from '../../../src/store/redis/redis-store.js';
import { OAuthToken } from '../../../src/token/oauth-token.js';
import { privateServer } from '../../support/private-server.js';
import { describeWithService, SERVICES } from '../../support/services.js';
import { dropPrefix, keysOf, rawRedis, uniquePrefix } from './redis-helpers.js';

const describeRedis = await describeWithService('redis');

/** The test server's URL with another database index (or none) in its path. */
function withDatabase(base: string, path: string, query = ''): string {
  const url = new URL(base);
  return `${url.protocol}//${url.host}${path}${query}`;
}

async function failureOf(promise: Promise<unknown>): Promise<ZohoTokensError> {
  try {
    await promise;
  } catch (error) {
    if (isZohoTokensError(error)) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

function thrownBy(work: () => unknown): ZohoTokensError {
  try {
    work();
  } catch (error) {
    if (isZohoTokensError(error)) return error;
    throw error;
  }
  throw new Error('expected the call to throw');
}

describe('redis store URL', () => {
  it.each(['/abc', '/1.5', '/-1', '/1e1', '/0x1', '/1/2', '/0/', '/2147483648'])(
    'refuses the database path %s with ERR_STORE_URL when opened',
    async (path) => {
      const url = `redis://127.0.0.1:6379${path}?prefix=x`;
      const error = thrownBy(() => parseRedisUrl(url));
      expect(error.code).toBe('ERR_STORE_URL');
      expect(error.message).toContain('database index');
      expect((await failureOf(openStore(url))).code).toBe('ERR_STORE_URL');
    },
  );

  it.each([
    ['redis://127.0.0.1:6379', 0],
    ['redis://127.0.0.1:6379/', 0],
    ['redis://127.0.0.1:6379/7', 7],
    ['redis://127.0.0.1:6379/2147483647', 2_147_483_647],
  ])('reads the database of %s as %d', (url, db) => {
    expect(parseRedisUrl(url).connection.db).toBe(db);
  });

  it('refuses an unknown option, naming it and the known ones, with the password hidden', async () => {
    const url = 'redis://app:s3cret@127.0.0.1:6379/0?prefx=crm';
    for (const error of [
      thrownBy(() => new RedisStore({ url })),
      await failureOf(openStore(url)),
      await failureOf(openStore(`encrypted+${url}`, { keys: `k1:${'A'.repeat(43)}=` })),
    ]) {
      expect(error.code).toBe('ERR_STORE_URL');
      expect(error.message).toContain('unknown option "prefx"');
      expect(error.message).toContain('prefix, connectTimeoutMs, commandTimeoutMs');
      expect(error.message).not.toContain('s3cret');
    }
  });

  it('accepts its three options', () => {
    const parts = parseRedisUrl(
      'redis://127.0.0.1/3?prefix=crm&connectTimeoutMs=700&commandTimeoutMs=900',
    );
    expect(parts).toMatchObject({ prefix: 'crm', connectTimeoutMs: 700, commandTimeoutMs: 900 });
  });
});

describeRedis('redis store database index', () => {
  const prefix = uniquePrefix('redis-db');
  let raw: Redis;
  let databases: number;

  /** The keys under the prefix in every database of the server, as `db:key`. */
  async function keysEverywhere(): Promise<string[]> {
    const found: string[] = [];
    for (let db = 0; db < databases; db++) {
      await raw.select(db);
      found.push(...(await keysOf(raw, prefix)).map((key) => `${db}:${key}`));
    }
    return found;
  }

  beforeAll(async () => {
    raw = rawRedis();
    const [, count] = (await raw.config('GET', 'databases')) as [string, string];
    databases = Number(count);
  });
  afterAll(async () => {
    for (let db = 0; db < databases; db++) {
      await raw.select(db);
      await dropPrefix(raw, prefix);
    }
    await raw.quit();
  });

  it('fails every call on a database the server does not have, writing nothing anywhere', async () => {
    const missing = databases + 83;
    const url = withDatabase(SERVICES.redis.url, `/${missing}`, `?prefix=${prefix}`);
    const store = await openStore(url);
    try {
      const save = await failureOf(
        store.saveToken(new OAuthToken({ userSignature: 'ada@x.io', refreshToken: 'r-ada' })),
      );
      expect(save.code).toBe('ERR_STORE_URL');
      expect(save.message).toContain(`database ${missing}`);

      // Not only the first call: the store never falls back to database 0.
      expect((await failureOf(store.getTokens())).code).toBe('ERR_STORE_URL');
      expect((await failureOf(store.saveToken(new OAuthToken({ refreshToken: 'r-2' })))).code).toBe(
        'ERR_STORE_URL',
      );
      expect(
        (await failureOf(store.acquireLease!('refresh', { ttlMs: 1000, waitMs: 0 }))).code,
      ).toBe('ERR_STORE_URL');
    } finally {
      await store.close?.();
    }
    expect(await keysEverywhere()).toEqual([]);
  });

  it('fails concurrent first calls alike', async () => {
    const url = withDatabase(SERVICES.redis.url, `/${databases}`, `?prefix=${prefix}`);
    const store = new RedisStore({ url });
    try {
      const calls = await Promise.allSettled([
        store.saveToken(new OAuthToken({ userSignature: 'a', refreshToken: 'r-a' })),
        store.saveToken(new OAuthToken({ userSignature: 'b', refreshToken: 'r-b' })),
        store.findToken({ userSignature: 'a' }),
      ]);
      expect(calls.map((call) => call.status)).toEqual(['rejected', 'rejected', 'rejected']);
    } finally {
      await store.close();
    }
    expect(await keysEverywhere()).toEqual([]);
  });

  it('writes into the database of the URL, also after reconnecting', async () => {
    const server = await privateServer('redis');
    await server.start();
    const url = withDatabase(server.url, '/5', `?prefix=${prefix}`);
    const store = new RedisStore({ url, connectTimeoutMs: 1000 });
    let own: Redis | null = null;
    try {
      await store.saveToken(new OAuthToken({ userSignature: 'before', refreshToken: 'r-1' }));
      await server.stop();
      await server.start();
      await store.saveToken(new OAuthToken({ userSignature: 'after', refreshToken: 'r-2' }));

      own = rawRedis(server.url);
      expect(await keysOf(own, prefix)).toEqual([]);
      await own.select(5);
      expect(await keysOf(own, prefix)).toContain(`${prefix}:token:2`);
      expect((await store.getTokens()).map((token) => token.userSignature)).toEqual([
        'before',
        'after',
      ]);
    } finally {
      await store.close();
      own?.disconnect();
      await server.destroy();
    }
  });
});

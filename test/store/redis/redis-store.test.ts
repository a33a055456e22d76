import { createHash } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isZohoTokensError } from '../../../src/errors.js';
import { openStore } from '../../../src/store/open-store.js';
import { RedisStore } from '../../../src/store/redis/redis-store.js';
import { OAuthToken } from '../../../src/token/oauth-token.js';
import { privateServer } from '../../support/private-server.js';
import { describeWithService, SERVICES } from '../../support/services.js';
import {
  dropPrefix,
  freePort,
  keysOf,
  lineFrom,
  outputOf,
  rawRedis,
  runModule,
  startWorker,
  stopProcess,
  uniquePrefix,
} from './redis-helpers.js';

const describeRedis = await describeWithService('redis');
const URL = SERVICES.redis.url;

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (isZohoTokensError(error)) return error.code;
    throw error;
  }
  throw new Error('expected the call to fail');
}

describeRedis('RedisStore', () => {
  const prefix = uniquePrefix('redis-store');
  let raw: Redis;
  let store: RedisStore;

  beforeAll(() => {
    raw = rawRedis();
  });
  beforeEach(async () => {
    await dropPrefix(raw, prefix);
    store = new RedisStore({ url: URL, prefix });
  });
  afterEach(async () => {
    await store.close();
  });
  afterAll(async () => {
    await dropPrefix(raw, prefix);
    await raw.quit();
  });

  describe('matching', () => {
    it('finds by user name exactly, and by nothing else when a user is given', async () => {
      await store.saveToken(new OAuthToken({ userSignature: 'ada@x.io', refreshToken: 'r-ada' }));

      expect((await store.findToken({ userSignature: 'ada@x.io' }))?.refreshToken).toBe('r-ada');
      expect(await store.findToken({ userSignature: 'ADA@x.io' })).toBeNull();
      expect(await store.findToken({ userSignature: 'bob', refreshToken: 'r-ada' })).toBeNull();
    });

    it('finds by access token only without client credentials', async () => {
      await store.saveToken(
        new OAuthToken({
          userSignature: 'u',
          accessToken: 'a-1',
          clientId: 'c',
          refreshToken: 'r',
        }),
      );

      expect((await store.findToken({ accessToken: 'a-1' }))?.userSignature).toBe('u');
      expect(await store.findToken({ accessToken: 'a-1', clientId: 'c' })).toBeNull();
      expect(await store.findToken({ accessToken: 'a-1', clientSecret: 's' })).toBeNull();
    });

    it('prefers a grant-token match anywhere over a refresh-token match', async () => {
      await store.saveToken(new OAuthToken({ userSignature: 'first', refreshToken: 'shared' }));
      await store.saveToken(new OAuthToken({ userSignature: 'second', grantToken: 'g-2' }));

      const found = await store.findToken({ grantToken: 'g-2', refreshToken: 'shared' });
      expect(found?.userSignature).toBe('second');
      expect((await store.findToken({ refreshToken: 'shared' }))?.userSignature).toBe('first');
      expect((await store.findToken({ grantToken: 'nope', refreshToken: 'shared' }))?.id).toBe('1');
    });

    it('never returns an arbitrary row', async () => {
      await store.saveToken(new OAuthToken({ userSignature: 'u', refreshToken: 'r' }));

      expect(await store.findToken({})).toBeNull();
      expect(await store.findToken({ clientId: 'c', clientSecret: 's' })).toBeNull();
      expect(await store.findToken({ refreshToken: 'other' })).toBeNull();
      expect(await store.findTokenById('2')).toBeNull();
    });

    it('finds the lowest id when several tokens share a value', async () => {
      await store.saveToken(new OAuthToken({ userSignature: 'a', refreshToken: 'same' }));
      await store.saveToken(new OAuthToken({ id: '2', userSignature: 'b', refreshToken: 'same' }));

      expect((await store.findToken({ refreshToken: 'same' }))?.id).toBe('1');
      await store.deleteToken('1');
      expect((await store.findToken({ refreshToken: 'same' }))?.id).toBe('2');
    });
  });

  describe('saving', () => {
    it('updates the matching token, keeping what the incoming token leaves absent', async () => {
      const first = await store.saveToken(
        new OAuthToken({
          userSignature: 'ada',
          clientId: 'c',
          clientSecret: 's',
          refreshToken: 'r',
          apiDomain: 'https://www.zohoapis.eu',
        }),
      );
      const second = await store.saveToken(
        new OAuthToken({ userSignature: 'ada', accessToken: 'a', expiresAt: 1_700_000_000_000 }),
      );

      expect(second.id).toBe(first.id);
      expect(second.version).toBe(2);
      const stored = await store.findTokenById(first.id!);
      expect(stored?.toFields()).toEqual({
        id: '1',
        userSignature: 'ada',
        clientId: 'c',
        clientSecret: 's',
        refreshToken: 'r',
        accessToken: 'a',
        grantToken: null,
        expiresAt: 1_700_000_000_000,
        redirectUrl: null,
        apiDomain: 'https://www.zohoapis.eu',
        version: 2,
        state: null,
      });
      expect(await store.getTokens()).toHaveLength(1);
    });

    it('moves the index entries when a token value changes', async () => {
      await store.saveToken(new OAuthToken({ userSignature: 'u', accessToken: 'old' }));
      await store.saveToken(new OAuthToken({ userSignature: 'u', accessToken: 'new' }));

      expect(await store.findToken({ accessToken: 'old' })).toBeNull();
      expect((await store.findToken({ accessToken: 'new' }))?.userSignature).toBe('u');
    });

    it('gives decimal ids from 1 in numeric order, past the 10th', async () => {
      for (let n = 1; n <= 12; n += 1) {
        await store.saveToken(new OAuthToken({ userSignature: `u${n}`, refreshToken: `r${n}` }));
      }

      const ids = (await store.getTokens()).map((token) => token.id);
      expect(ids).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11', '12']);
    });

    it('keeps new ids above an imported id, and never reuses a taken one', async () => {
      await store.saveToken(
        new OAuthToken({ id: '57', userSignature: 'imported', refreshToken: 'r' }),
      );
      const next = await store.saveToken(
        new OAuthToken({ userSignature: 'new', refreshToken: 'n' }),
      );
      expect(next.id).toBe('58');

      // Someone rewinds the counter: the store still finds a free id.
      await raw.set(`${prefix}:next-id`, '56');
      const after = await store.saveToken(
        new OAuthToken({ userSignature: 'later', refreshToken: 'l' }),
      );
      expect(after.id).toBe('59');
      expect((await store.findTokenById('57'))?.userSignature).toBe('imported');
      expect((await store.findTokenById('58'))?.userSignature).toBe('new');
    });

    it('refuses a token with no grant, refresh or access token', async () => {
      expect(await codeOf(store.saveToken(new OAuthToken({ userSignature: 'u' })))).toBe(
        'ERR_TOKEN_INCOMPLETE',
      );
      expect(await store.getTokens()).toEqual([]);
    });

    it('refuses a save carrying an old version and keeps the stored token', async () => {
      const saved = await store.saveToken(
        new OAuthToken({ userSignature: 'u', accessToken: 'a1' }),
      );
      await store.saveToken(saved.with({ accessToken: 'a2' }));

      const stale = saved.with({ accessToken: 'a3' });
      expect(await codeOf(store.saveToken(stale))).toBe('ERR_STORE_CONFLICT');
      const stored = await store.findTokenById(saved.id!);
      expect(stored?.accessToken).toBe('a2');
      expect(stored?.version).toBe(2);
    });

    it('keeps awkward values exactly and finds tokens by them', async () => {
      const big = 'x'.repeat(4096);
      const odd = 'quote " apostrophe \' comma , newline \n tab \t ünïcødé 東京 🎉';
      const saved = await store.saveToken(
        new OAuthToken({
          userSignature: odd,
          clientSecret: `${odd}-secret`,
          refreshToken: big,
          accessToken: `${odd}-access`,
          redirectUrl: 'https://x.io/cb?a=1&b="2"',
        }),
      );

      expect((await store.findToken({ userSignature: odd }))?.refreshToken).toBe(big);
      expect((await store.findToken({ refreshToken: big }))?.userSignature).toBe(odd);
      expect((await store.findToken({ accessToken: `${odd}-access` }))?.id).toBe(saved.id);
      const stored = await store.findTokenById(saved.id!);
      expect(stored?.clientSecret).toBe(`${odd}-secret`);
      expect(stored?.redirectUrl).toBe('https://x.io/cb?a=1&b="2"');
    });

    it('stores a hash per token with fields named like the official columns', async () => {
      await store.saveToken(
        new OAuthToken({ userSignature: 'u', refreshToken: 'r', expiresAt: 1_700_000_000_123 }),
      );

      expect(await raw.hgetall(`${prefix}:token:1`)).toEqual({
        id: '1',
        user_name: 'u',
        refresh_token: 'r',
        expiry_time: '1700000000123',
        version: '1',
      });
      const sha1 = (value: string) => createHash('sha1').update(value).digest('hex');
      expect(await raw.smembers(`${prefix}:user:${sha1('u')}`)).toEqual(['1']);
      expect(await raw.smembers(`${prefix}:refresh:${sha1('r')}`)).toEqual(['1']);
    });
  });

  describe('deleting', () => {
    it('deletes one token with its index entries; an unknown id is no error', async () => {
      await store.saveToken(new OAuthToken({ userSignature: 'a', refreshToken: 'ra' }));
      await store.saveToken(new OAuthToken({ userSignature: 'b', refreshToken: 'rb' }));

      await store.deleteToken('1');
      await store.deleteToken('404');

      expect((await store.getTokens()).map((token) => token.userSignature)).toEqual(['b']);
      expect(await store.findToken({ refreshToken: 'ra' })).toBeNull();
      expect(await store.findToken({ userSignature: 'a' })).toBeNull();
    });

    it('deletes every token and leaves only the id counter', async () => {
      for (let n = 0; n < 5; n += 1) {
        await store.saveToken(new OAuthToken({ userSignature: `u${n}`, accessToken: `a${n}` }));
      }

      await store.deleteTokens();

      expect(await store.getTokens()).toEqual([]);
      expect(await keysOf(raw, prefix)).toEqual([`${prefix}:next-id`]);
      const next = await store.saveToken(new OAuthToken({ userSignature: 'x', accessToken: 'y' }));
      expect(next.id).toBe('6');
    });

    it('leaves no dangling index when saves race a delete of everything', async () => {
      const saves = Array.from({ length: 60 }, (_, n) =>
        store.saveToken(new OAuthToken({ userSignature: `u${n % 20}`, accessToken: `a${n}` })),
      );
      const wipes = [store.deleteTokens(), sleep(5).then(() => store.deleteTokens())];
      await Promise.all([...saves, ...wipes]);

      const tokens = await store.getTokens();
      const ids = new Set(tokens.map((token) => token.id));
      for (const key of await keysOf(raw, prefix)) {
        const kind = key.slice(prefix.length + 1).split(':')[0];
        if (kind === 'user' || kind === 'access') {
          for (const id of await raw.smembers(key)) expect(ids.has(id)).toBe(true);
        }
      }
      const users = tokens.map((token) => token.userSignature);
      expect(new Set(users).size).toBe(users.length);
      for (const token of tokens) {
        expect((await store.findToken({ accessToken: token.accessToken! }))?.id).toBe(token.id);
      }
    });
  });

  describe('concurrency', () => {
    it('gives 800 distinct ids to 4 processes saving 200 users each at once', async () => {
      const workers = [0, 1, 2, 3].map((n) =>
        outputOf(startWorker('save-worker.ts', [URL, prefix, String(n), '200'])),
      );
      const ids = (await Promise.all(workers)).flatMap((out) => JSON.parse(out) as string[]);

      expect(ids).toHaveLength(800);
      expect(new Set(ids).size).toBe(800);
      const tokens = await store.getTokens();
      expect(tokens).toHaveLength(800);
      expect(new Set(tokens.map((token) => token.userSignature)).size).toBe(800);
      expect(tokens.map((token) => token.id).sort()).toEqual([...ids].sort());
    }, 60_000);

    it('answers 1000 concurrent lookups without an error', async () => {
      for (let n = 0; n < 50; n += 1) {
        await store.saveToken(new OAuthToken({ userSignature: `u${n}`, refreshToken: `r${n}` }));
      }

      const lookups = Array.from({ length: 1000 }, (_, n) =>
        n % 2 === 0
          ? store.findToken({ userSignature: `u${n % 50}` })
          : store.findToken({ refreshToken: `r${n % 50}` }),
      );
      const found = await Promise.all(lookups);

      expect(found.map((token) => token?.userSignature)).toEqual(found.map((_, n) => `u${n % 50}`));
    });

    it('serialises concurrent saves of one user into one token', async () => {
      const saves = Array.from({ length: 30 }, (_, n) =>
        store.saveToken(new OAuthToken({ userSignature: 'same', accessToken: `a${n}` })),
      );
      const saved = await Promise.all(saves);

      expect(new Set(saved.map((token) => token.id)).size).toBe(1);
      const tokens = await store.getTokens();
      expect(tokens).toHaveLength(1);
      expect(tokens[0]!.version).toBe(30);
      expect(new Set(saved.map((token) => token.version)).size).toBe(30);
    });
  });

  describe('leases', () => {
    it('is exclusive across processes, and passes on when released', async () => {
      const holder = startWorker('lease-worker.ts', [URL, prefix, 'token-1', '10000']);
      await lineFrom(holder, 'held');

      expect(await store.acquireLease('token-1', { ttlMs: 5000, waitMs: 300 })).toBeNull();
      const other = await store.acquireLease('token-2', { ttlMs: 5000, waitMs: 0 });
      expect(other).not.toBeNull();

      const waiting = store.acquireLease('token-1', { ttlMs: 5000, waitMs: 5000 });
      holder.stdin!.write('release\n');
      const lease = await waiting;
      expect(lease?.key).toBe('token-1');
      await lease?.release();
      await other?.release();
      await stopProcess(holder);
    });

    it('hands the lease of a SIGKILLed holder over within ttl + 1 s', async () => {
      const ttlMs = 1500;
      const holder = startWorker('lease-worker.ts', [URL, prefix, 'crash', String(ttlMs)]);
      await lineFrom(holder, 'held');
      await stopProcess(holder, 'SIGKILL');
      const killedAt = Date.now();

      const lease = await store.acquireLease('crash', { ttlMs: 5000, waitMs: ttlMs + 1000 });

      expect(lease).not.toBeNull();
      expect(Date.now() - killedAt).toBeLessThanOrEqual(ttlMs + 1000);
      await lease?.release();
    });

    it('does not let an expired holder release the next holder’s lease', async () => {
      const expired = await store.acquireLease('k', { ttlMs: 100, waitMs: 0 });
      await sleep(200);
      const current = await store.acquireLease('k', { ttlMs: 10_000, waitMs: 0 });
      expect(current).not.toBeNull();

      await expired!.release();

      expect(await store.acquireLease('k', { ttlMs: 1000, waitMs: 0 })).toBeNull();
      expect(await raw.get(`${prefix}:lease:k`)).not.toBeNull();
      await current!.release();
      await current!.release();
      const next = await store.acquireLease('k', { ttlMs: 1000, waitMs: 0 });
      expect(next).not.toBeNull();
      await next?.release();
    });

    it('rejects a lease without a positive ttl', async () => {
      expect(await codeOf(store.acquireLease('k', { ttlMs: 0, waitMs: 0 }))).toBe(
        'ERR_INVALID_ARGUMENT',
      );
    });
  });

  describe('opening', () => {
    it('opens through openStore with the prefix of the URL', async () => {
      const opened = await openStore(`${URL}?prefix=${prefix}`);
      try {
        expect(opened).toBeInstanceOf(RedisStore);
        await opened.saveToken(new OAuthToken({ userSignature: 'via-url', refreshToken: 'r' }));
        expect((await store.findToken({ userSignature: 'via-url' }))?.id).toBe('1');
      } finally {
        await opened.close?.();
      }
    });

    it('rejects a bad prefix and a bad URL', () => {
      expect(() => new RedisStore({ url: URL, prefix: 'has space' })).toThrow(/prefix/);
      expect(() => new RedisStore({ url: 'http://127.0.0.1' })).toThrow(/not a redis url/);
    });

    it('loads ioredis only when a Redis store is first used', async () => {
      const script = `
        import { createRequire } from 'node:module';
        const cache = createRequire(process.cwd() + '/').cache;
        const loaded = () => Object.keys(cache).some((path) => path.includes('/ioredis/'));
        const { RedisStore } = await import('./src/index.ts');
        const before = loaded();
        const store = new RedisStore({ url: process.argv[1] });
        await store.findTokenById('1');
        const after = loaded();
        await store.close();
        console.log(JSON.stringify({ before, after }));
      `;
      const child = runModule(script, [`${URL}?prefix=${prefix}`]);
      expect(JSON.parse(await outputOf(child))).toEqual({ before: false, after: true });
    });
  });

  describe('failures', () => {
    it('fails fast with ERR_STORE_UNAVAILABLE where nothing listens', async () => {
      const port = await freePort();
      const down = new RedisStore({ url: `redis://127.0.0.1:${port}/0`, connectTimeoutMs: 1000 });
      const started = Date.now();

      expect(await codeOf(down.findToken({ userSignature: 'u' }))).toBe('ERR_STORE_UNAVAILABLE');
      expect(await codeOf(down.saveToken(new OAuthToken({ refreshToken: 'r' })))).toBe(
        'ERR_STORE_UNAVAILABLE',
      );
      expect(Date.now() - started).toBeLessThan(1000);
      await down.close();
    });

    it('gives up on a server that accepts but never answers within connectTimeoutMs', async () => {
      const sockets: Socket[] = [];
      const silent: Server = createServer((socket) => sockets.push(socket));
      const port = await freePort();
      await new Promise<void>((resolve) => silent.listen(port, '127.0.0.1', resolve));
      const store = new RedisStore({ url: `redis://127.0.0.1:${port}/0`, connectTimeoutMs: 300 });
      const started = Date.now();

      try {
        expect(await codeOf(store.getTokens())).toBe('ERR_STORE_UNAVAILABLE');
        expect(Date.now() - started).toBeLessThan(1300);
      } finally {
        await store.close();
        for (const socket of sockets) socket.destroy();
        await new Promise((resolve) => silent.close(resolve));
      }
    });

    it('works again, with the same object, once a stopped server is back', async () => {
      const server = await privateServer('redis');
      await server.start();
      const own = new RedisStore({ url: server.url, connectTimeoutMs: 500 });
      try {
        await own.saveToken(new OAuthToken({ userSignature: 'u', refreshToken: 'r' }));
        await server.stop();

        const started = Date.now();
        expect(await codeOf(own.findToken({ userSignature: 'u' }))).toBe('ERR_STORE_UNAVAILABLE');
        expect(await codeOf(own.saveToken(new OAuthToken({ refreshToken: 'x' })))).toBe(
          'ERR_STORE_UNAVAILABLE',
        );
        expect(Date.now() - started).toBeLessThan(1500);

        await server.start();
        expect((await own.findToken({ userSignature: 'u' }))?.refreshToken).toBe('r');
        const saved = await own.saveToken(
          new OAuthToken({ userSignature: 'v', refreshToken: 'r2' }),
        );
        expect(saved.id).toBe('2');
      } finally {
        await own.close();
        await server.destroy();
      }
    });

    it('fails with ERR_STORE_UNAVAILABLE after close', async () => {
      await store.close();
      expect(await codeOf(store.getTokens())).toBe('ERR_STORE_UNAVAILABLE');
    });

    it('reports a key of another type under the prefix as ERR_STORE_SCHEMA', async () => {
      await raw.set(`${prefix}:ids`, 'not a set');
      expect(await codeOf(store.getTokens())).toBe('ERR_STORE_SCHEMA');
    });
  });
});

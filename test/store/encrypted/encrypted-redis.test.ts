import { randomBytes, randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { isZohoTokensError } from '../../../src/errors.js';
import { EncryptedStore } from '../../../src/store/encrypted/encrypted-store.js';
import { Keyring } from '../../../src/store/encrypted/keyring.js';
import { rotateKeys } from '../../../src/store/encrypted/rotate-keys.js';
import { openStore } from '../../../src/store/open-store.js';
import { RedisStore } from '../../../src/store/redis/redis-store.js';
import { OAuthToken } from '../../../src/token/oauth-token.js';
import { describeWithService, SERVICES } from '../../support/services.js';
import { dropPrefix, keysOf, rawRedis, uniquePrefix } from '../redis/redis-helpers.js';

const describeRedis = await describeWithService('redis');

const K1 = `k1:${randomBytes(32).toString('base64')}`;
const K2 = `k2:${randomBytes(32).toString('base64')}`;
const SECRETS = ['clientSecret', 'refreshToken', 'accessToken', 'grantToken'] as const;

function secretToken(user: string): OAuthToken {
  const tag = randomUUID();
  return new OAuthToken({
    userSignature: user,
    clientId: `1000.CLIENT${tag.slice(0, 6)}`,
    clientSecret: `client-secret-${tag}`,
    refreshToken: `1000.refresh-${tag}`,
    accessToken: `1000.access-${tag}`,
    grantToken: `1000.grant-${tag}`,
  });
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (isZohoTokensError(error)) return error.code;
    throw error;
  }
  throw new Error('expected the call to fail');
}

describeRedis('EncryptedStore over Redis', () => {
  const prefix = uniquePrefix('encrypted-redis');
  const url = `encrypted+${SERVICES.redis.url}?prefix=${prefix}`;
  let raw: Redis;
  let redis: RedisStore;

  /** Every key under the prefix with its value as Redis returns it (HGETALL for hashes). */
  async function snapshot(): Promise<Record<string, unknown>> {
    const values: Record<string, unknown> = {};
    for (const key of await keysOf(raw, prefix)) {
      const type = await raw.type(key);
      values[key] =
        type === 'hash'
          ? await raw.hgetall(key)
          : type === 'set'
            ? (await raw.smembers(key)).sort()
            : await raw.get(key);
    }
    return values;
  }

  beforeAll(() => {
    raw = rawRedis();
  });
  beforeEach(async () => {
    await dropPrefix(raw, prefix);
    redis = new RedisStore({ url: SERVICES.redis.url, prefix });
  });
  afterEach(async () => {
    await redis.close();
  });
  afterAll(async () => {
    await dropPrefix(raw, prefix);
    await raw.quit();
  });

  it('keeps no secret in any value or key name, and still finds every token', async () => {
    const store = await openStore(url, { keys: K1 });
    try {
      const tokens = [secretToken('ada'), secretToken('bob'), secretToken('cy')];
      const saved = [];
      for (const token of tokens) saved.push(await store.saveToken(token));

      // Key names and values together: the index keys are named after digests of the values.
      const dump = JSON.stringify(await snapshot());
      expect(dump).toContain('"user_name":"ada"');
      for (const token of tokens) {
        for (const field of SECRETS) expect(dump).not.toContain(token[field]!);
      }
      for (const token of saved) {
        expect((await store.findToken({ refreshToken: token.refreshToken! }))?.id).toBe(token.id);
        expect((await store.findToken({ accessToken: token.accessToken! }))?.id).toBe(token.id);
        expect((await store.findToken({ grantToken: token.grantToken! }))?.id).toBe(token.id);
        expect(
          (await store.findToken({ userSignature: token.userSignature! }))?.toFields(),
        ).toEqual(token.toFields());
      }
    } finally {
      await store.close?.();
    }
  });

  it('passes Redis leases through', async () => {
    const store = new EncryptedStore(redis, Keyring.parse(K1));
    const lease = await store.acquireLease!('t1', { ttlMs: 5000, waitMs: 0 });

    expect(lease).not.toBeNull();
    expect(await redis.acquireLease('t1', { ttlMs: 5000, waitMs: 0 })).toBeNull();
    await lease!.release();
  });

  it('rotates to the new key: all readable, nothing left under the old key', async () => {
    const old = new EncryptedStore(redis, Keyring.parse(K1));
    const saved = [];
    for (let n = 0; n < 5; n += 1) saved.push(await old.saveToken(secretToken(`user-${n}`)));

    const result = await rotateKeys(new EncryptedStore(redis, Keyring.parse(`${K2},${K1}`)));

    expect(result).toEqual({ rotated: 5, total: 5, keyId: 'k2' });
    const values = Object.values(await snapshot()).filter((value) => typeof value === 'object');
    const secrets = values.flatMap((hash) =>
      ['client_secret', 'refresh_token', 'access_token', 'grant_token']
        .map((field) => (hash as Record<string, string>)[field])
        .filter((value) => value !== undefined),
    );
    expect(secrets).toHaveLength(20);
    for (const secret of secrets) expect(secret).toMatch(/^zt1:k2:/);
    const newOnly = new EncryptedStore(redis, Keyring.parse(K2));
    for (const token of saved) {
      expect((await newOnly.findToken({ refreshToken: token.refreshToken! }))?.clientSecret).toBe(
        token.clientSecret,
      );
    }
  });

  it('refuses a wrong key or a missing key id and leaves every value untouched', async () => {
    await new EncryptedStore(redis, Keyring.parse(K1)).saveToken(secretToken('ada'));
    const before = await snapshot();
    const wrong = new EncryptedStore(
      redis,
      Keyring.parse(`k1:${randomBytes(32).toString('base64')}`),
    );
    const missing = new EncryptedStore(redis, Keyring.parse(K2));
    const update = new OAuthToken({ userSignature: 'ada', refreshToken: 'replaced' });

    expect(await codeOf(wrong.findToken({ userSignature: 'ada' }))).toBe('ERR_DECRYPT');
    expect(await codeOf(wrong.saveToken(update))).toBe('ERR_DECRYPT');
    expect(await codeOf(missing.findTokenById('1'))).toBe('ERR_KEY_MISSING');
    expect(await codeOf(missing.saveToken(update))).toBe('ERR_KEY_MISSING');
    expect(await codeOf(rotateKeys(missing))).toBe('ERR_KEY_MISSING');

    expect(await snapshot()).toEqual(before);
  });
});

import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isZohoTokensError } from '../../../src/errors.js';
import { EncryptedStore } from '../../../src/store/encrypted/encrypted-store.js';
import { Keyring } from '../../../src/store/encrypted/keyring.js';
import { rotateKeys } from '../../../src/store/encrypted/rotate-keys.js';
import { MemoryStore } from '../../../src/store/memory/memory-store.js';
import { openStore } from '../../../src/store/open-store.js';
import { SqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import { OAuthToken } from '../../../src/token/oauth-token.js';

const K1 = `k1:${randomBytes(32).toString('base64')}`;
const K2 = `k2:${randomBytes(32).toString('base64')}`;
const WRONG_K1 = `k1:${randomBytes(32).toString('base64')}`;

/** A token whose four secrets are long, unique strings easy to search raw bytes for. */
function secretToken(user: string): OAuthToken {
  const tag = randomUUID();
  return new OAuthToken({
    userSignature: user,
    clientId: `1000.CLIENTID${tag.slice(0, 8)}`,
    clientSecret: `client-secret-${tag}`,
    refreshToken: `1000.refresh-${tag}`,
    accessToken: `1000.access-${tag}`,
    grantToken: `1000.grant-${tag}`,
    expiresAt: 1_900_000_000_000,
    apiDomain: 'https://www.zohoapis.eu',
  });
}

const SECRETS = ['clientSecret', 'refreshToken', 'accessToken', 'grantToken'] as const;

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (isZohoTokensError(error)) return error.code;
    throw error;
  }
  throw new Error('expected the call to fail');
}

describe('EncryptedStore over SQLite', () => {
  let dir: string;
  let path: string;
  let sqlite: SqliteStore;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'zt-encrypted-'));
    path = join(dir, 'tokens.db');
    sqlite = new SqliteStore({ path });
  });
  afterEach(async () => {
    await sqlite.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Every byte SQLite keeps for the database: the main file, the WAL and the shared memory. */
  function rawBytes(): Buffer {
    return Buffer.concat(readdirSync(dir).map((name) => readFileSync(join(dir, name))));
  }

  it('keeps no secret in the database bytes, WAL included, while lookups still work', async () => {
    const store = new EncryptedStore(sqlite, Keyring.parse(K1));
    const tokens = [secretToken('ada@x.io'), secretToken('bob@x.io')];
    for (const token of tokens) await store.saveToken(token);

    const bytes = rawBytes();
    expect(readdirSync(dir)).toContain('tokens.db-wal');
    for (const token of tokens) {
      // The readable fields are there, so the search does look at the rows...
      expect(bytes.includes(token.userSignature!)).toBe(true);
      expect(bytes.includes(token.clientId!)).toBe(true);
      // ...and no secret is.
      for (const field of SECRETS) expect(bytes.includes(token[field]!)).toBe(false);
    }
  });

  it('finds tokens by user, id, access, grant and refresh token', async () => {
    const store = new EncryptedStore(sqlite, Keyring.parse(K1));
    const ada = await store.saveToken(secretToken('ada'));
    const bob = await store.saveToken(secretToken('bob'));

    for (const token of [ada, bob]) {
      const expected = token.toFields();
      expect((await store.findToken({ userSignature: token.userSignature! }))?.toFields()).toEqual(
        expected,
      );
      expect((await store.findTokenById(token.id!))?.toFields()).toEqual(expected);
      expect((await store.findToken({ accessToken: token.accessToken! }))?.id).toBe(token.id);
      expect((await store.findToken({ grantToken: token.grantToken! }))?.id).toBe(token.id);
      expect((await store.findToken({ refreshToken: token.refreshToken! }))?.id).toBe(token.id);
    }
    expect(await store.findToken({ refreshToken: 'unknown' })).toBeNull();
    expect(await store.findToken({ accessToken: ada.accessToken!, clientId: 'c' })).toBeNull();
    expect((await store.getTokens()).map((token) => token.refreshToken)).toEqual([
      ada.refreshToken,
      bob.refreshToken,
    ]);
  });

  it('writes every secret as zt1 ciphertext under the current key', async () => {
    const store = new EncryptedStore(sqlite, Keyring.parse(`${K2},${K1}`));
    await store.saveToken(secretToken('ada'));

    const [row] = await sqlite.getTokens();
    for (const field of SECRETS) expect(row![field]).toMatch(/^zt1:k2:/);
    expect(row!.userSignature).toBe('ada');
    expect(row!.apiDomain).toBe('https://www.zohoapis.eu');
    expect(row!.expiresAt).toBe(1_900_000_000_000);
  });

  it('merges a partial save, keeping the stored secrets readable', async () => {
    const store = new EncryptedStore(sqlite, Keyring.parse(K1));
    const first = await store.saveToken(secretToken('ada'));

    const second = await store.saveToken(
      new OAuthToken({ userSignature: 'ada', accessToken: 'new-access', clientId: 'other-client' }),
    );

    expect(second.id).toBe(first.id);
    expect(second.version).toBe(2);
    const stored = await store.findTokenById(first.id!);
    expect(stored?.clientSecret).toBe(first.clientSecret);
    expect(stored?.clientId).toBe('other-client');
    expect(stored?.refreshToken).toBe(first.refreshToken);
    expect((await store.findToken({ accessToken: 'new-access' }))?.id).toBe(first.id);
    expect(await store.findToken({ accessToken: first.accessToken! })).toBeNull();
  });

  it('refuses a stale version with ERR_STORE_CONFLICT', async () => {
    const store = new EncryptedStore(sqlite, Keyring.parse(K1));
    const saved = await store.saveToken(secretToken('ada'));
    await store.saveToken(saved.with({ accessToken: 'a2' }));

    expect(await codeOf(store.saveToken(saved.with({ accessToken: 'a3' })))).toBe(
      'ERR_STORE_CONFLICT',
    );
    expect((await store.findTokenById(saved.id!))?.accessToken).toBe('a2');
  });

  it('rotates every token to the current key and keeps them all readable', async () => {
    const old = new EncryptedStore(sqlite, Keyring.parse(K1));
    const saved = [];
    for (let n = 0; n < 12; n += 1) saved.push(await old.saveToken(secretToken(`user-${n}`)));
    // A token without a client secret or grant token rotates too.
    saved.push(await old.saveToken(new OAuthToken({ userSignature: 'lean', refreshToken: 'r-l' })));

    const rotating = new EncryptedStore(sqlite, Keyring.parse(`${K2},${K1}`));
    expect(await rotateKeys(rotating)).toEqual({ rotated: 13, total: 13, keyId: 'k2' });

    for (const row of await sqlite.getTokens()) {
      for (const field of SECRETS) {
        if (row[field] !== null) expect(row[field]).toMatch(/^zt1:k2:/);
      }
    }
    const newOnly = new EncryptedStore(sqlite, Keyring.parse(K2));
    for (const token of saved) {
      const found = await newOnly.findToken({ refreshToken: token.refreshToken! });
      expect(found?.toFields()).toEqual(token.with({ version: token.version! + 1 }).toFields());
    }
    expect(await rotateKeys(rotating)).toEqual({ rotated: 0, total: 13, keyId: 'k2' });
  });

  it('finds tokens under an older key of the keyring before they are rotated', async () => {
    const token = await new EncryptedStore(sqlite, Keyring.parse(K1)).saveToken(secretToken('a'));
    const store = new EncryptedStore(sqlite, Keyring.parse(`${K2},${K1}`));

    expect((await store.findToken({ refreshToken: token.refreshToken! }))?.id).toBe(token.id);
    expect((await store.findToken({ grantToken: token.grantToken! }))?.id).toBe(token.id);
    // Saving through the new keyring rewrites the whole token under the new key.
    await store.saveToken(new OAuthToken({ userSignature: 'a', apiDomain: 'https://x.io' }));
    const [row] = await sqlite.getTokens();
    for (const field of SECRETS) expect(row![field]).toMatch(/^zt1:k2:/);
  });

  it('fails with ERR_DECRYPT on a wrong key and leaves the stored bytes as they were', async () => {
    await new EncryptedStore(sqlite, Keyring.parse(K1)).saveToken(secretToken('ada'));
    const rowsBefore = (await sqlite.getTokens()).map((token) => token.toFields());
    const bytesBefore = rawBytes();
    const wrong = new EncryptedStore(sqlite, Keyring.parse(WRONG_K1));

    expect(await codeOf(wrong.findTokenById('1'))).toBe('ERR_DECRYPT');
    expect(await codeOf(wrong.findToken({ userSignature: 'ada' }))).toBe('ERR_DECRYPT');
    expect(await codeOf(wrong.getTokens())).toBe('ERR_DECRYPT');
    const overwrite = new OAuthToken({ userSignature: 'ada', refreshToken: 'attacker' });
    expect(await codeOf(wrong.saveToken(overwrite))).toBe('ERR_DECRYPT');
    expect(await codeOf(wrong.saveToken(overwrite.with({ id: '1' })))).toBe('ERR_DECRYPT');
    expect(await codeOf(rotateKeys(wrong))).toBe('ERR_DECRYPT');

    expect((await sqlite.getTokens()).map((token) => token.toFields())).toEqual(rowsBefore);
    expect(rawBytes().equals(bytesBefore)).toBe(true);
  });

  it('fails with ERR_KEY_MISSING when the key id is not in the keyring', async () => {
    await new EncryptedStore(sqlite, Keyring.parse(K1)).saveToken(secretToken('ada'));
    const rowsBefore = (await sqlite.getTokens()).map((token) => token.toFields());
    const store = new EncryptedStore(sqlite, Keyring.parse(K2));

    expect(await codeOf(store.findTokenById('1'))).toBe('ERR_KEY_MISSING');
    expect(await codeOf(store.findToken({ userSignature: 'ada' }))).toBe('ERR_KEY_MISSING');
    expect(await codeOf(store.getTokens())).toBe('ERR_KEY_MISSING');
    expect(
      await codeOf(store.saveToken(new OAuthToken({ userSignature: 'ada', accessToken: 'a' }))),
    ).toBe('ERR_KEY_MISSING');
    expect((await sqlite.getTokens()).map((token) => token.toFields())).toEqual(rowsBefore);
  });

  it('reads a plaintext row as ERR_DECRYPT rather than passing it on', async () => {
    await sqlite.saveToken(new OAuthToken({ userSignature: 'plain', refreshToken: 'plain-r' }));
    const store = new EncryptedStore(sqlite, Keyring.parse(K1));

    expect(await codeOf(store.findToken({ userSignature: 'plain' }))).toBe('ERR_DECRYPT');
  });

  it('opens as encrypted+sqlite: with keys from the options or the environment', async () => {
    const url = `encrypted+sqlite:${path}`;
    const opened = await openStore(url, { keys: `${K1}` });
    try {
      expect(opened).toBeInstanceOf(EncryptedStore);
      await opened.saveToken(secretToken('via-url'));
    } finally {
      await opened.close?.();
    }
    for (const field of SECRETS) expect((await sqlite.getTokens())[0]![field]).toMatch(/^zt1:k1:/);

    const saved = process.env.ZOHO_TOKENS_KEYS;
    process.env.ZOHO_TOKENS_KEYS = K1;
    try {
      const fromEnv = await openStore(url);
      expect((await fromEnv.findToken({ userSignature: 'via-url' }))?.clientSecret).toMatch(
        /^client-secret-/,
      );
      await fromEnv.close?.();
      delete process.env.ZOHO_TOKENS_KEYS;
      expect(await codeOf(openStore(url, {}))).toBe('ERR_KEY_MISSING');
    } finally {
      if (saved === undefined) delete process.env.ZOHO_TOKENS_KEYS;
      else process.env.ZOHO_TOKENS_KEYS = saved;
    }
  });
});

describe('EncryptedStore over memory', () => {
  it('passes leases through only when the inner store has them', () => {
    const store = new EncryptedStore(new MemoryStore(), Keyring.parse(K1));
    expect(typeof store.acquireLease).toBe('undefined');
  });

  it('does not lose a concurrent change to a field the caller left out', async () => {
    const store = new EncryptedStore(new MemoryStore(), Keyring.parse(K1));
    await store.saveToken(new OAuthToken({ userSignature: 'u', refreshToken: 'r' }));

    await Promise.all([
      store.saveToken(new OAuthToken({ userSignature: 'u', accessToken: 'a' })),
      store.saveToken(new OAuthToken({ userSignature: 'u', apiDomain: 'https://x.io' })),
      store.saveToken(new OAuthToken({ userSignature: 'u', expiresAt: 1_900_000_000_000 })),
    ]);

    const stored = await store.findToken({ userSignature: 'u' });
    expect(stored?.accessToken).toBe('a');
    expect(stored?.apiDomain).toBe('https://x.io');
    expect(stored?.expiresAt).toBe(1_900_000_000_000);
    expect(stored?.version).toBe(4);
  });
});

import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EncryptedStore } from '../../src/store/encrypted/encrypted-store.js';
import { Keyring } from '../../src/store/encrypted/keyring.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { OAuthToken } from '../../src/token/oauth-token.js';
import { runCli, tempFolder } from './cli.js';

const K1 = `k1:${randomBytes(32).toString('base64')}`;
const K2 = `k2:${randomBytes(32).toString('base64')}`;

let folder: ReturnType<typeof tempFolder>;
beforeEach(() => {
  folder = tempFolder();
});
afterEach(() => folder.remove());

describe('zoho-tokens rotate-key --json', () => {
  it('prints snake_case fields like every other JSON output', async () => {
    const path = join(folder.path, 'tokens.db');
    const store = new EncryptedStore(new SqliteStore({ path }), Keyring.parse(K1));
    await store.saveToken(new OAuthToken({ userSignature: 'ada', refreshToken: 'r-ada' }));
    await store.close();

    const result = await runCli(['--json', 'rotate-key', '--store', `encrypted+sqlite:${path}`], {
      env: { ZOHO_TOKENS_KEYS: `${K2},${K1}` },
    });

    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ rotated: 1, total: 1, key_id: 'k2' });
  });
});

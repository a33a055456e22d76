import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { rotateKeyCommand } from '../../../src/cli/commands/rotate-key.js';
import { isZohoTokensError } from '../../../src/errors.js';
import { EncryptedStore } from '../../../src/store/encrypted/encrypted-store.js';
import { Keyring } from '../../../src/store/encrypted/keyring.js';
import { SqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import { OAuthToken } from '../../../src/token/oauth-token.js';

const K1 = `k1:${randomBytes(32).toString('base64')}`;
const K2 = `k2:${randomBytes(32).toString('base64')}`;

/** The command under the global options it reads (as `src/cli/main.ts` defines them). */
async function run(args: string[]): Promise<string> {
  const program = new Command()
    .option('--store <url>')
    .option('--dc <code>', 'data centre', 'us')
    .option('--json')
    .exitOverride();
  rotateKeyCommand(program);

  const output: string[] = [];
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    output.push(String(chunk));
    return true;
  });
  try {
    await program.parseAsync(args, { from: 'user' });
  } finally {
    write.mockRestore();
  }
  return output.join('');
}

describe('zoho-tokens rotate-key', () => {
  let dir: string;
  let path: string;
  const savedKeys = process.env.ZOHO_TOKENS_KEYS;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'zt-rotate-'));
    path = join(dir, 'tokens.db');
    const store = new EncryptedStore(new SqliteStore({ path }), Keyring.parse(K1));
    await store.saveToken(new OAuthToken({ userSignature: 'ada', refreshToken: 'r-ada' }));
    await store.saveToken(new OAuthToken({ userSignature: 'bob', refreshToken: 'r-bob' }));
    await store.close();
  });
  afterEach(() => {
    if (savedKeys === undefined) delete process.env.ZOHO_TOKENS_KEYS;
    else process.env.ZOHO_TOKENS_KEYS = savedKeys;
    rmSync(dir, { recursive: true, force: true });
  });

  it('re-encrypts every token under the first key of ZOHO_TOKENS_KEYS', async () => {
    process.env.ZOHO_TOKENS_KEYS = `${K2},${K1}`;

    const json = await run(['rotate-key', '--json', '--store', `encrypted+sqlite:${path}`]);
    expect(JSON.parse(json)).toEqual({ rotated: 2, total: 2, key_id: 'k2' });

    const sqlite = new SqliteStore({ path });
    const rows = await sqlite.getTokens();
    await sqlite.close();
    expect(rows.map((row) => row.refreshToken?.slice(0, 7))).toEqual(['zt1:k2:', 'zt1:k2:']);

    const text = await run(['rotate-key', '--store', `encrypted+sqlite:${path}`]);
    expect(text).toBe('re-encrypted 0 of 2 tokens under key k2\n');
  });

  it('refuses a store URL without encrypted+', async () => {
    process.env.ZOHO_TOKENS_KEYS = `${K2},${K1}`;

    const failure = await run(['rotate-key', '--store', `sqlite:${path}`]).catch((error) => error);
    expect(isZohoTokensError(failure)).toBe(true);
    expect((failure as Error).message).toMatch(/needs an encrypted store/);
  });
});

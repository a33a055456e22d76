import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isZohoTokensError, type ZohoTokensError } from '../../src/errors.js';
import { openStore } from '../../src/store/open-store.js';
import { OAuthToken } from '../../src/token/oauth-token.js';

let folder: string;
beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'zoho-tokens-open-store-'));
});
afterEach(() => rmSync(folder, { recursive: true, force: true }));

async function failureOf(promise: Promise<unknown>): Promise<ZohoTokensError> {
  try {
    await promise;
  } catch (error) {
    if (isZohoTokensError(error)) return error;
    throw error;
  }
  throw new Error('expected openStore to fail');
}

const KEYS = `k1:${Buffer.alloc(32, 7).toString('base64')}`;

describe('openStore refuses query options a store does not know', () => {
  it('refuses a misspelt SQLite table option instead of using the default table', async () => {
    const path = join(folder, 'y.db');
    const error = await failureOf(openStore(`sqlite:${path}?tabel=foo`));

    expect(error.code).toBe('ERR_STORE_URL');
    expect(error.message).toContain('unknown option "tabel"');
    expect(error.message).toContain('known: table');
    // Refused before anything was opened: no database file appears.
    expect(existsSync(path)).toBe(false);
  });

  it.each([
    ['sqlite', (folder: string) => `sqlite:${join(folder, 'y.db')}?table=t&mode=ro`, 'mode'],
    ['sqlite in memory', () => 'sqlite::memory:?cache=shared', 'cache'],
    ['file', (folder: string) => `file:${join(folder, 'sdk_tokens.csv')}?mode=0644`, 'mode'],
    [
      'file with //',
      (folder: string) => `file://${join(folder, 'sdk_tokens.csv')}?lock=no`,
      'lock',
    ],
    ['memory', () => 'memory:?size=10', 'size'],
    ['encrypted file', (folder: string) => `encrypted+file:${join(folder, 't.csv')}?x=1`, 'x'],
  ])('refuses an unknown option of the %s store', async (_, urlIn, option) => {
    const error = await failureOf(openStore(urlIn(folder), { keys: KEYS }));

    expect(error.code).toBe('ERR_STORE_URL');
    expect(error.message).toContain(`unknown option "${option}"`);
    expect(readdirSync(folder)).toEqual([]);
  });

  it('says the file and memory stores take no options', async () => {
    const file = await failureOf(openStore(`file:${join(folder, 't.csv')}?table=t`));
    const memory = await failureOf(openStore('memory:?table=t'));

    expect(file.message).toContain('this store takes none');
    expect(memory.message).toContain('this store takes none');
  });

  it('hides a password given as an option in the message', async () => {
    const error = await failureOf(openStore(`sqlite:${join(folder, 'y.db')}?password=hunter2`));

    expect(error.code).toBe('ERR_STORE_URL');
    expect(error.message).toContain('unknown option "password"');
    expect(error.message).not.toContain('hunter2');
  });

  it('still opens the options each store knows', async () => {
    const sqlite = await openStore('sqlite::memory:?table=custom_tokens');
    const memory = await openStore('memory:');
    const file = await openStore(`file:${join(folder, 'sdk_tokens.csv')}`);

    for (const store of [sqlite, memory, file]) {
      const saved = await store.saveToken(
        new OAuthToken({ userSignature: 'u', refreshToken: 'r' }),
      );
      expect((await store.findToken({ userSignature: 'u' }))?.id).toBe(saved.id);
      await store.close?.();
    }
  });
});

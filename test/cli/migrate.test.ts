import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { OAuthToken } from '../../src/token/oauth-token.js';
import { runCli, storedTokens, tempFolder } from './cli.js';

let folder: ReturnType<typeof tempFolder>;
beforeEach(() => {
  folder = tempFolder();
});
afterEach(() => folder.remove());

const cli = (...args: string[]) => runCli(args, { cwd: folder.path });

async function sqliteWith(name: string, ...users: string[]): Promise<string> {
  const path = join(folder.path, name);
  const store = new SqliteStore({ path });
  try {
    for (const user of users) {
      await store.saveToken(new OAuthToken({ userSignature: user, refreshToken: `rt-${user}` }));
    }
  } finally {
    await store.close();
  }
  return path;
}

describe('zoho-tokens migrate', () => {
  it('refuses a SQLite or file source that does not exist, creating nothing', async () => {
    for (const source of ['sqlite:nonexist.db', 'file:nonexist.csv']) {
      const result = await cli('migrate', '--from', source, '--to', 'sqlite:target.db');

      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toBe(`zoho-tokens: source ${source} does not exist [ERR_STORE_URL]\n`);
    }
    for (const file of ['nonexist.db', 'nonexist.csv', 'target.db']) {
      expect(existsSync(join(folder.path, file))).toBe(false);
    }
  });

  it('copies from a source that exists', async () => {
    await sqliteWith('source.db', 'ada');

    const result = await cli('migrate', '--from', 'sqlite:source.db', '--to', 'sqlite:target.db');

    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^verified: 1 tokens, sha256 /m);
  });

  it('says what to do when the target holds tokens the source does not have', async () => {
    await sqliteWith('source.db', 'ada');
    const target = await sqliteWith('target.db', 'ada', 'bob', 'cyd');

    const first = await cli('migrate', '--from', 'sqlite:source.db', '--to', 'sqlite:target.db');
    const again = await cli('migrate', '--from', 'sqlite:source.db', '--to', 'sqlite:target.db');

    for (const result of [first, again]) {
      expect(result.code).toBe(1);
      expect(result.stderr.split('\n').at(-2)).toBe(
        "zoho-tokens: every token was copied, but the target holds 2 tokens the source doesn't " +
          'have (ids 2, 3): migrate never deletes them; remove them with zoho-tokens delete ID ' +
          '--store sqlite:target.db, or migrate into an empty store [ERR_MIGRATION_UNVERIFIED]',
      );
    }
    expect((await storedTokens(target)).map((token) => token.userSignature)).toEqual([
      'ada',
      'bob',
      'cyd',
    ]);
  });
});

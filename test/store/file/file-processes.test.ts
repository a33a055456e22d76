import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setImmediate as yieldToEvents } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseTokenFile } from '../../../src/store/file/file-csv.js';
import { FileStore } from '../../../src/store/file/file-store.js';
import { OAuthToken } from '../../../src/token/oauth-token.js';
import { runWorker, startWorker, tempFolder } from './file-helpers.js';

let remove: () => void;
let path: string;
beforeEach(() => {
  const temp = tempFolder();
  remove = temp.remove;
  path = join(temp.folder, 'sdk_tokens.csv');
});
afterEach(() => remove());

describe('several processes on one file', () => {
  it('4 processes x 200 concurrent saves: 800 rows, 800 distinct ids, every token readable', async () => {
    const outputs = await Promise.all(
      ['w1', 'w2', 'w3', 'w4'].map((prefix) => runWorker(['save-users', path, prefix, '200'])),
    );

    const tokens = await new FileStore(path).getTokens();
    const reportedIds = outputs.flatMap((lines) => JSON.parse(lines[0]!) as string[]);
    const ids = new Set(tokens.map((token) => token.id));
    expect(tokens).toHaveLength(800);
    expect(ids.size).toBe(800);
    expect(new Set(reportedIds)).toEqual(ids);

    const store = new FileStore(path);
    for (const prefix of ['w1', 'w2', 'w3', 'w4']) {
      for (let index = 0; index < 200; index++) {
        const user = `${prefix}-${index}@zylker.example:1`;
        const byUser = await store.findToken({ userSignature: user });
        const byRefresh = await store.findToken({ refreshToken: `rt-${prefix}-${index}` });
        expect(byUser?.accessToken).toBe(`at-${prefix}-${index}`);
        expect(byRefresh?.userSignature).toBe(user);
        expect((await store.findTokenById(byUser!.id!))?.userSignature).toBe(user);
      }
    }
  }, 120_000);

  it('an open store sees on its next lookup what another process wrote', async () => {
    const store = new FileStore(path);
    await store.saveToken(new OAuthToken({ userSignature: 'ada@x:1', accessToken: 'at-1' }));
    expect((await store.findToken({ userSignature: 'ada@x:1' }))?.accessToken).toBe('at-1');

    await runWorker(['save-user', path, 'ada@x:1', 'at-2']);
    await runWorker(['save-user', path, 'bob@x:1', 'at-bob']);

    expect((await store.findToken({ userSignature: 'ada@x:1' }))?.accessToken).toBe('at-2');
    expect((await store.findToken({ accessToken: 'at-bob' }))?.userSignature).toBe('bob@x:1');
    expect((await store.findTokenById('2'))?.userSignature).toBe('bob@x:1');
    expect(await store.findToken({ accessToken: 'at-1' })).toBeNull();
  }, 60_000);

  it('a reader polling during writes never sees a partial file', async () => {
    const writer = startWorker(['churn', path, '150']);

    let reads = 0;
    let most = 0;
    while (writer.child.exitCode === null) {
      let bytes: Buffer;
      try {
        bytes = readFileSync(path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        await yieldToEvents(); // not created yet
        continue;
      }
      // Our own parser refuses a torn file; every row also carries its full 4 KB value.
      const { tokens } = parseTokenFile(bytes, path);
      expect(tokens.every((token) => token.accessToken?.length === 4096)).toBe(true);
      expect(tokens.every((token) => token.apiDomain === 'https://www.zohoapis.com')).toBe(true);
      expect(tokens.length).toBeGreaterThanOrEqual(most);
      most = tokens.length;
      reads += 1;
      await yieldToEvents();
    }

    expect(await writer.exited).toBe(0);
    expect(most).toBe(20);
    expect(reads).toBeGreaterThan(20);
  }, 120_000);
});

import { chmodSync, chownSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileStore } from '../../../src/store/file/file-store.js';
import { OAuthToken } from '../../../src/token/oauth-token.js';
import { nonRootUser, runWorker, tempFolder, type WorkerUser } from './file-helpers.js';

// Root may write any file, so the writer here is a worker process run as `nobody` when the tests
// run as root, and as this user otherwise: either way a process that chmod 444 does stop.
const user: WorkerUser | undefined = nonRootUser();

let folder: string;
let remove: () => void;
let path: string;
beforeEach(async () => {
  ({ folder, remove } = tempFolder());
  path = join(folder, 'sdk_tokens.csv');
  const store = new FileStore(path);
  await store.saveToken(new OAuthToken({ userSignature: 'ada@x:1', refreshToken: 'r-ada' }));
  await store.saveToken(new OAuthToken({ userSignature: 'bob@x:1', refreshToken: 'r-bob' }));
  // The folder stays writable for the worker: only the file itself says no.
  if (user !== undefined) {
    chownSync(folder, user.uid, user.gid);
    chownSync(path, user.uid, user.gid);
  }
});
afterEach(() => remove());

const modeOf = (file: string) => statSync(file).mode & 0o777;

describe('a token file the process may not write', () => {
  it('is left as it was by a delete, which fails with ERR_STORE_UNAVAILABLE', async () => {
    chmodSync(path, 0o444);
    const before = readFileSync(path);

    const [outcome] = await runWorker(['try-delete', path, '1'], user);

    expect(outcome).toMatch(/^ERR_STORE_UNAVAILABLE .*sdk_tokens\.csv is read-only/);
    expect(readFileSync(path).equals(before)).toBe(true);
    expect(modeOf(path)).toBe(0o444);
    expect(readdirSync(folder)).toEqual(['sdk_tokens.csv']);
  });

  it('is left as it was by a save, which fails the same way', async () => {
    chmodSync(path, 0o444);
    const before = readFileSync(path);

    const [outcome] = await runWorker(['try-save', path, 'cy@x:1'], user);

    expect(outcome).toMatch(/^ERR_STORE_UNAVAILABLE .*read-only/);
    expect(readFileSync(path).equals(before)).toBe(true);
    expect(modeOf(path)).toBe(0o444);
  });

  it('is written by the same worker once it may write it', async () => {
    chmodSync(path, 0o644);

    const [outcome] = await runWorker(['try-delete', path, '1'], user);

    expect(outcome).toBe('ok');
    const left = await new FileStore(path).getTokens();
    expect(left.map((token) => token.userSignature)).toEqual(['bob@x:1']);
    expect(modeOf(path)).toBe(0o600);
  });
});

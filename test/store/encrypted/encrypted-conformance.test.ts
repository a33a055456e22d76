import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, it } from 'vitest';
import { registerConformanceTests } from '../../../src/conformance/index.js';
import { EncryptedStore } from '../../../src/store/encrypted/encrypted-store.js';
import { Keyring } from '../../../src/store/encrypted/keyring.js';
import { SqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import type { TokenStore } from '../../../src/store/token-store.js';

const keyring = Keyring.parse(
  `k2:${randomBytes(32).toString('base64')},k1:${randomBytes(32).toString('base64')}`,
);
const dir = mkdtempSync(join(tmpdir(), 'zt-encrypted-conformance-'));
let count = 0;

function pathOf(store: TokenStore): string {
  return ((store as EncryptedStore).inner as SqliteStore).db.name;
}

describe('EncryptedStore over SQLite', () => {
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  // The raw-row checks are left out on purpose: the rows hold ciphertext, not the values.
  registerConformanceTests(
    () => {
      count += 1;
      return new EncryptedStore(new SqliteStore({ path: join(dir, `${count}.db`) }), keyring);
    },
    { describe, it },
    {
      reopen: (store) => new EncryptedStore(new SqliteStore({ path: pathOf(store) }), keyring),
      breakStore: (store) => store.close?.(),
      cleanup: (store) => store.close?.(),
      capabilities: { compareAndSave: true, close: true },
    },
  );
});

import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, it } from 'vitest';
import { type RawRow, registerConformanceTests } from '../../../src/conformance/index.js';
import {
  EXTRA_COLUMNS,
  OFFICIAL_COLUMNS,
  rowValues,
  type TokenRow,
  tokenFromRow,
} from '../../../src/store/columns.js';
import { EncryptedStore } from '../../../src/store/encrypted/encrypted-store.js';
import { Keyring } from '../../../src/store/encrypted/keyring.js';
import { SqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import type { TokenStore } from '../../../src/store/token-store.js';

const SECRET_COLUMNS = ['client_secret', 'refresh_token', 'access_token', 'grant_token'] as const;
const COLUMNS = [...OFFICIAL_COLUMNS, ...EXTRA_COLUMNS];

const keyring = Keyring.parse(
  `k2:${randomBytes(32).toString('base64')},k1:${randomBytes(32).toString('base64')}`,
);
const dir = mkdtempSync(join(tmpdir(), 'zt-encrypted-conformance-'));
let count = 0;

function pathOf(store: TokenStore): string {
  return ((store as EncryptedStore).inner as SqliteStore).db.name;
}

/**
 * What landed in the SQLite file: every secret column must hold ciphertext, and that ciphertext
 * must decrypt to exactly the value saved. The rows come back decrypted, so the kit's raw checks
 * compare them with what it saved.
 */
async function decryptedRows(store: EncryptedStore): Promise<RawRow[]> {
  const db = new Database(pathOf(store), { readonly: true });
  try {
    const rows = db.prepare('SELECT * FROM oauthtoken').all() as TokenRow[];
    return rows.map((row) => {
      for (const column of SECRET_COLUMNS) {
        const value = row[column];
        if (value !== null && !value.startsWith('zt1:')) {
          throw new Error(`column ${column} of row ${row.id} holds plaintext`);
        }
      }
      const values = rowValues(store.decrypt(tokenFromRow(row)));
      return Object.fromEntries(COLUMNS.map((column, i) => [column, values[i]]));
    });
  } finally {
    db.close();
  }
}

describe('EncryptedStore over SQLite', () => {
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

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
      rawRead: (store) => decryptedRows(store as EncryptedStore),
    },
  );
});

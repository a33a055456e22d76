/**
 * The kit as a store author uses it: one call in their own test file registers every check as
 * a test. Here in vitest, on an SQLite file store given every hook, so that no check is skipped.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, it } from 'vitest';
import { type RawRow, registerConformanceTests } from '../../src/conformance/index.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { TokenStore } from '../../src/store/token-store.js';

const folder = mkdtempSync(join(tmpdir(), 'zoho-tokens-register-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));
let files = 0;

function pathOf(store: TokenStore): string {
  return (store as SqliteStore).db.name;
}

registerConformanceTests(
  () => new SqliteStore({ path: join(folder, `${++files}.db`) }),
  { describe, it },
  {
    suiteName: 'SqliteStore (registered in vitest)',
    capabilities: { compareAndSave: true },
    reopen: (store) => new SqliteStore({ path: pathOf(store) }),
    breakStore: (store) => (store as SqliteStore).db.close(),
    rawRead: async (store) => {
      const db = new Database(pathOf(store), { readonly: true });
      try {
        return db.prepare('SELECT * FROM oauthtoken').all() as RawRow[];
      } finally {
        db.close();
      }
    },
  },
);

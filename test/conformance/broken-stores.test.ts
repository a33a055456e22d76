import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import {
  CONFORMANCE_CHECKS,
  type RawRow,
  type VerifyOptions,
  verifyTokenStore,
} from '../../src/conformance/index.js';
import type { TokenStore } from '../../src/store/token-store.js';
import { FirstRowStore } from './broken/first-row-store.js';
import { PrecedenceSlipStore } from './broken/precedence-slip-store.js';
import { SoundSqliteStore } from './broken/sound-sqlite-store.js';
import { StringMaxIdStore } from './broken/string-max-id-store.js';
import { StringSqlStore } from './broken/string-sql-store.js';
import { UncommittedDeleteAllStore } from './broken/uncommitted-delete-all-store.js';

const directory = mkdtempSync(join(tmpdir(), 'zoho-tokens-broken-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

let databases = 0;
type StoreClass = new (path: string) => SoundSqliteStore;

/** What another connection (another process) sees in the file. */
async function readFromAnotherConnection(store: TokenStore): Promise<RawRow[]> {
  const db = new Database((store as SoundSqliteStore).path, { readonly: true });
  try {
    return db.prepare('SELECT * FROM oauthtoken').all() as RawRow[];
  } finally {
    db.close();
  }
}

function optionsFor(Store: StoreClass): VerifyOptions {
  return {
    capabilities: { compareAndSave: true },
    reopen: (store) => new Store((store as SoundSqliteStore).path),
    breakStore: (store) => (store as SoundSqliteStore).db.close(),
    rawRead: readFromAnotherConnection,
    cleanup: (store) => store.close?.(),
  };
}

/** The stores have no leases: those checks, and only those, are skipped. */
const LEASE_CHECKS = CONFORMANCE_CHECKS.filter((check) => check.requires === 'leases').map(
  (check) => check.id,
);

const CASES: { fault: string; Store: StoreClass; fails: string[]; because: RegExp }[] = [
  { fault: 'none (the control)', Store: SoundSqliteStore, fails: [], because: /^$/ },
  {
    fault: 'SQL built from strings',
    Store: StringSqlStore,
    fails: ['values.special-characters', 'values.injection', 'raw.exact-values'],
    because: /saveToken rejected .*syntax error/,
  },
  {
    fault: 'ids from a text MAX(id)',
    Store: StringMaxIdStore,
    fails: ['ids.unique', 'concurrency.distinct-users'],
    because: /UNIQUE constraint failed: oauthtoken\.id/,
  },
  {
    fault: 'the refresh || grant && id && secret slip',
    Store: PrecedenceSlipStore,
    fails: ['match.grant-without-client'],
    because: /findToken\(\{ grantToken: "1000\.grant\.ada" \}\) returned null/,
  },
  {
    fault: 'a delete-all that never commits',
    Store: UncommittedDeleteAllStore,
    fails: ['delete.all-persists', 'raw.deleted'],
    because: /getTokens\(\) on a reopened store returned 2 tokens/,
  },
  {
    fault: 'a lookup without a key returning the first row',
    Store: FirstRowStore,
    fails: ['match.no-key'],
    because: /findToken\(\{\}\) returned token "1"/,
  },
];

describe.each(CASES)('a store with the fault: $fault', ({ Store, fails, because }) => {
  it(`fails exactly: ${fails.join(', ') || 'nothing'}`, async () => {
    const createStore = () => new Store(join(directory, `${++databases}.db`));
    const report = await verifyTokenStore(createStore, optionsFor(Store));

    const failed = report.results.filter((result) => result.status === 'failed');
    expect(failed.map((result) => result.id)).toEqual(fails);
    const skipped = report.results.filter((result) => result.status === 'skipped');
    expect(skipped.map((result) => result.id)).toEqual(LEASE_CHECKS);
    expect(report.ok).toBe(fails.length === 0);

    const reasons = failed.map((result) => result.actual).join('\n');
    if (fails.length > 0) expect(reasons).toMatch(because);
    for (const result of report.results) expect(result.cleanupError).toBeUndefined();
  });
});

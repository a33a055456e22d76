/** The example stores of examples/ each pass the conformance kit. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { conformanceOptions, JsonFileStore } from '../../examples/json-file-store.js';
import { ListStore } from '../../examples/list-store.js';
import { MapLeaseStore } from '../../examples/map-lease-store.js';
import {
  CONFORMANCE_CHECKS,
  type RawRow,
  type Requirement,
  type VerifyOptions,
  verifyTokenStore,
} from '../../src/conformance/index.js';
import { OFFICIAL_COLUMNS, rowValues } from '../../src/store/columns.js';
import type { TokenStore } from '../../src/store/token-store.js';

const folder = mkdtempSync(join(tmpdir(), 'zoho-tokens-examples-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));
let files = 0;

/** Rows in the official column order, as the raw read returns them. */
function rawRows(rows: readonly (readonly unknown[])[]): RawRow[] {
  return rows.map((row) => Object.fromEntries(OFFICIAL_COLUMNS.map((name, at) => [name, row[at]])));
}

interface ExampleEntry {
  file: string;
  /** What the example does not offer: exactly the checks needing these are skipped. */
  lacks: Requirement[];
  createStore: () => TokenStore;
  options: VerifyOptions;
}

const EXAMPLES: ExampleEntry[] = [
  {
    file: 'list-store.ts',
    lacks: ['reopen', 'breakStore', 'leases', 'compareAndSave', 'close'],
    createStore: () => new ListStore(),
    options: { rawRead: async (store) => rawRows((store as ListStore).rows) },
  },
  {
    file: 'json-file-store.ts',
    lacks: ['leases'],
    createStore: () => new JsonFileStore(join(folder, `${++files}.json`)),
    options: conformanceOptions,
  },
  {
    file: 'map-lease-store.ts',
    lacks: ['breakStore', 'close'],
    createStore: () => new MapLeaseStore(),
    options: {
      capabilities: { compareAndSave: true },
      reopen: (store) => new MapLeaseStore((store as MapLeaseStore).backing),
      rawRead: async (store) => {
        const tokens = [...(store as MapLeaseStore).backing.tokens.values()];
        return rawRows(tokens.map(rowValues));
      },
    },
  },
];

describe.each(EXAMPLES)('examples/$file', ({ lacks, createStore, options }) => {
  it('passes the conformance kit', async () => {
    const report = await verifyTokenStore(createStore, options);

    const failures = report.results.filter((result) => result.status === 'failed');
    expect(failures.map((result) => `${result.id}: ${result.actual}`)).toEqual([]);
    const skipped = report.results.filter((result) => result.status === 'skipped');
    const lacking = CONFORMANCE_CHECKS.filter((check) => lacks.includes(check.requires!));
    expect(skipped.map((result) => result.id)).toEqual(lacking.map((check) => check.id));
  });
});

import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, describe, it } from 'vitest';
import { registerConformanceTests } from '../../../src/conformance/index.js';
import { OFFICIAL_COLUMNS } from '../../../src/store/columns.js';
import { FileStore } from '../../../src/store/file/file-store.js';
import type { TokenStore } from '../../../src/store/token-store.js';
import { tempFolder } from './file-helpers.js';

const { folder, remove } = tempFolder();
let count = 0;
afterAll(() => remove());

function pathOf(store: TokenStore): string {
  return (store as FileStore).path;
}

/** The rows as the file holds them, read by csv-parse alone, by position, empty as null. */
function rawRows(path: string): Record<string, string | null>[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const records = parse(text, { relax_column_count: true }) as string[][];
  return records
    .slice(1)
    .map((record) =>
      Object.fromEntries(OFFICIAL_COLUMNS.map((name, at) => [name, record[at] || null])),
    );
}

registerConformanceTests(
  () => {
    count += 1;
    return new FileStore(join(folder, `tokens-${count}.csv`));
  },
  { describe, it },
  {
    suiteName: 'FileStore conformance',
    reopen: (store) => new FileStore(pathOf(store)),
    // A folder where the file was: every read and write then fails with an I/O error.
    breakStore: (store) => {
      rmSync(pathOf(store), { force: true });
      mkdirSync(pathOf(store));
    },
    cleanup: (store) => rmSync(pathOf(store), { recursive: true, force: true }),
    rawRead: async (store) => rawRows(pathOf(store)),
    capabilities: { leases: true, compareAndSave: true, close: true },
  },
);

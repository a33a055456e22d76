import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { openStore } from '../src/store/open-store.js';
import type { TokenStore } from '../src/store/token-store.js';
import { officialCsv, tokenAt, userOf } from './tokens.js';

/**
 * What holding tokens costs a process: for the stores that keep every token in memory (the
 * memory store, and the file store's index), the growth of resident size and of the V8 heap
 * from an empty store to one holding the tokens. Each is measured in a child process of its own,
 * after a garbage collection, so that nothing else the benchmark made is counted.
 */
export interface MemoryFigures {
  store: 'memory' | 'file';
  tokens: number;
  rssBytes: number;
  heapBytes: number;
  /** Memory outside the V8 heap (buffers: the file store keeps the file's bytes). */
  externalBytes: number;
}

/** Tokens the memory figures are for. */
export const MEMORY_TOKENS = 100_000;

type Usage = Pick<NodeJS.MemoryUsage, 'rss' | 'heapUsed' | 'external' | 'arrayBuffers'>;

const THIS_FILE = fileURLToPath(import.meta.url);

/** Measures one store in a child process; `dir` holds the token file for the file store. */
export async function measureMemory(store: 'memory' | 'file', dir: string): Promise<MemoryFigures> {
  const path = join(dir, `memory-${MEMORY_TOKENS}.csv`);
  if (store === 'file') writeFileSync(path, officialCsv(MEMORY_TOKENS), { mode: 0o600 });

  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', THIS_FILE, '--child', store, path],
    { maxBuffer: 1 << 20 },
  );
  const { before, after } = JSON.parse(stdout.trim().split('\n').pop()!) as {
    before: Usage;
    after: Usage;
  };
  return {
    store,
    tokens: MEMORY_TOKENS,
    rssBytes: after.rss - before.rss,
    heapBytes: after.heapUsed - before.heapUsed,
    externalBytes: after.external - before.external,
  };
}

/** The child: loads the tokens, printing memory use before and after as one JSON line. */
async function child(kind: string, path: string): Promise<void> {
  // A throwaway store of the same kind first, so that loading code is not counted as data.
  const warm = await openKind(kind, `${path}.warm.csv`, 1);
  await warm.findToken({ userSignature: userOf(1) });

  const before = usage();
  const store = await openKind(kind, path, MEMORY_TOKENS);
  const found = await store.findToken({ userSignature: userOf(MEMORY_TOKENS) });
  if (found === null) throw new Error(`the ${kind} store lost token ${MEMORY_TOKENS}`);
  const after = usage();

  process.stdout.write(`${JSON.stringify({ before, after })}\n`);
}

async function openKind(kind: string, path: string, tokens: number): Promise<TokenStore> {
  if (kind === 'file') {
    if (tokens === 1) writeFileSync(path, officialCsv(1));
    return openStore(`file:${path}`);
  }

  const store = await openStore('memory:');
  for (let i = 1; i <= tokens; i++) await store.saveToken(tokenAt(i));
  return store;
}

function usage(): Usage {
  const collect = (globalThis as { gc?: () => void }).gc;
  collect?.();
  collect?.();
  const { rss, heapUsed, external, arrayBuffers } = process.memoryUsage();
  return { rss, heapUsed, external, arrayBuffers };
}

if (process.argv[2] === '--child') {
  await child(process.argv[3]!, process.argv[4]!);
}

/**
 * `npm run bench [-- --quick] [-- --only=memory,file]`: times every store next to its floor and
 * the official SDK's stores, the token manager and the stores' memory, prints a markdown report
 * and writes it with every figure to bench/results/latest.{md,json}. See bench/README.md.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, platform, release, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openStore, storeSchemes } from '../src/store/open-store.js';
import {
  measureExpiredToken,
  measureOfficialManager,
  measureValidToken,
  startZoho,
} from './manager.js';
import type { Budget } from './measure.js';
import { measureMemory } from './memory.js';
import { type BenchResults, judgeGoals, renderMarkdown } from './report.js';
import { isServerUp } from './servers.js';
import { createScratch, dropScratch, type Scratch, STORE_SETUPS, scratchUrl } from './stores.js';
import { benchStore } from './suite.js';

interface Flags {
  quick: boolean;
  /** Store schemes to measure; all when absent. */
  only: Set<string> | null;
}

const BUDGETS: Record<'full' | 'quick', Budget> = {
  full: { timeMs: 1_500, warmupMs: 200, minSamples: 3, rounds: 6 },
  quick: { timeMs: 150, warmupMs: 100, minSamples: 2, rounds: 3 },
};

const RESULTS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'results');
const started = performance.now();

type Results = Omit<BenchResults, 'goals' | 'durationS'>;

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2));
  const mode = flags.quick ? 'quick' : 'full';
  const budget = BUDGETS[mode];
  const results = emptyResults(mode, budget);
  const scratch = createScratch();
  const cleanUp = onceOnly(() => dropScratch(scratch));
  process.once('SIGINT', () => void cleanUp().finally(() => process.exit(130)));

  try {
    await benchStores(results, scratch, flags);
    await benchManager(results, scratch, budget, flags);
    await benchMemory(results, scratch, flags);
  } finally {
    progress('cleaning up scratch databases, keys and files');
    await cleanUp();
  }

  results.machine.loadAverage.end = loadavg()[0]!;
  const durationS = (performance.now() - started) / 1000;
  const final: BenchResults = { ...results, goals: judgeGoals(results), durationS };
  const markdown = renderMarkdown(final);
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(join(RESULTS_DIR, 'latest.json'), `${JSON.stringify(final, null, 2)}\n`);
  writeFileSync(join(RESULTS_DIR, 'latest.md'), markdown);
  process.stdout.write(markdown);
}

/** Every registered store at each of its sizes, next to its official store up to 100 000 tokens. */
async function benchStores(results: Results, scratch: Scratch, flags: Flags): Promise<void> {
  const registered = new Set(storeSchemes());
  for (const setup of STORE_SETUPS) {
    if (flags.only !== null && !flags.only.has(setup.scheme)) continue;
    if (!registered.has(setup.scheme)) {
      results.skipped.push({
        store: setup.label,
        reason: `scheme "${setup.scheme}:" not registered in openStore yet`,
      });
      continue;
    }
    if (setup.server !== null && !(await isServerUp(setup.server))) {
      results.skipped.push({ store: setup.label, reason: `${setup.server} server is not running` });
      continue;
    }

    for (const size of flags.quick ? setup.sizes.quick : setup.sizes.full) {
      progress(`${setup.label}, ${size} tokens`);
      const run = await benchStore(setup, size, scratch, results.budget, size <= 100_000);
      results.operations.push(...run.rows);
      if (run.concurrency !== null) results.concurrency.push(run.concurrency);
      if (run.visibility !== null) results.visibility.push(run.visibility);
    }
  }
}

/** The token manager on the emulator: valid token, then an expired one on every store. */
async function benchManager(
  results: Results,
  scratch: Scratch,
  budget: Budget,
  flags: Flags,
): Promise<void> {
  progress('TokenManager');
  const zoho = await startZoho();
  try {
    results.manager.validToken = await measureValidToken(zoho, budget);
    for (const setup of STORE_SETUPS) {
      if (!storeSchemes().includes(setup.scheme)) continue;
      if (flags.only !== null && !flags.only.has(setup.scheme)) continue;
      if (setup.server !== null && !(await isServerUp(setup.server))) continue;

      const open = async () => openStore(await scratchUrl(setup.scheme, scratch, 'expired'));
      results.manager.expiredToken.push(
        await measureExpiredToken(zoho, { label: setup.label, open }),
      );
    }
    progress('official SDK getToken');
    results.manager.official = await measureOfficialManager(zoho, scratch.dir, budget);
  } finally {
    await zoho.close();
  }
}

async function benchMemory(results: Results, scratch: Scratch, flags: Flags): Promise<void> {
  for (const store of ['memory', 'file'] as const) {
    if (flags.only !== null && !flags.only.has(store)) continue;
    if (!storeSchemes().includes(store)) continue;

    progress(`memory of the ${store} store`);
    results.memory.push(await measureMemory(store, scratch.dir));
  }
}

function emptyResults(mode: 'full' | 'quick', budget: Budget): Results {
  return {
    mode,
    date: new Date().toISOString(),
    machine: {
      cpu: cpus()[0]?.model ?? 'unknown',
      cores: cpus().length,
      memoryBytes: totalmem(),
      platform: `${platform()} ${release()}`,
      node: process.versions.node,
      loadAverage: { start: loadavg()[0]!, end: 0 },
    },
    budget,
    operations: [],
    concurrency: [],
    visibility: [],
    manager: { validToken: null, expiredToken: [], official: null },
    memory: [],
    skipped: [],
  };
}

function parseFlags(args: string[]): Flags {
  const flags: Flags = { quick: false, only: null };
  for (const arg of args) {
    if (arg === '--quick') flags.quick = true;
    else if (arg.startsWith('--only='))
      flags.only = new Set(arg.slice('--only='.length).split(','));
    else throw new Error(`unknown flag ${arg} (known: --quick, --only=scheme,scheme)`);
  }
  return flags;
}

function progress(step: string): void {
  const elapsedS = Math.round((performance.now() - started) / 1000);
  process.stderr.write(`[${elapsedS}s] ${step}\n`);
}

function onceOnly(run: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | null = null;
  return () => {
    done ??= run();
    return done;
  };
}

await main();

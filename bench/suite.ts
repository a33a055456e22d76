import type { OAuthToken } from '../src/token/oauth-token.js';
import {
  type ConcurrencyFigures,
  concurrentFinds,
  seesOtherProcess,
  type VisibilityFigures,
} from './checks.js';
import { type Budget, measure, type Operation, type Timing } from './measure.js';
import { type OfficialStore, officialDbStore, officialFileStore } from './official.js';
import type { OperationRow } from './report.js';
import type { LoadedStore, Scratch, StoreSetup } from './stores.js';
import { type BenchKey, cycle, sampleKeys } from './tokens.js';

/** What one store at one size gave. */
export interface StoreRun {
  rows: OperationRow[];
  concurrency: ConcurrencyFigures | null;
  visibility: VisibilityFigures | null;
}

/** The official store next to ours, by scheme. */
const OFFICIAL: Record<string, (size: number, scratch: Scratch) => Promise<OfficialStore>> = {
  file: async (size, scratch) => officialFileStore(size, scratch),
  mysql: officialDbStore,
};

// Lookup keys cycled through by every operation of a run (the same keys for store and floor).
const KEY_COUNT = 4_096;

/**
 * Fills the store with `size` tokens and times its three operations next to its floor and, where
 * one exists and `withOfficial` says so, the official store on the same tokens.
 */
export async function benchStore(
  setup: StoreSetup,
  size: number,
  scratch: Scratch,
  budget: Budget,
  withOfficial: boolean,
): Promise<StoreRun> {
  const loaded = await setup.open(size, scratch);
  const openOfficial = withOfficial ? OFFICIAL[setup.scheme] : undefined;
  const official = openOfficial === undefined ? null : await openOfficial(size, scratch);
  try {
    const keys = sampleKeys(size, KEY_COUNT, size);
    const current = await storedTokens(loaded, keys);
    const timings = await measure(operations(loaded, official, keys, current), budget);
    const rows = rowsOf(setup, size, timings, loaded, official);

    const concurrency =
      setup.server === null ? null : await concurrentFinds(setup.label, loaded.store, size);
    const visibility =
      loaded.file === undefined ? null : await seesOtherProcess(loaded.store, loaded.file, size);
    return { rows, concurrency, visibility };
  } finally {
    await official?.close();
    await loaded.close();
  }
}

/**
 * The operations in the order they run: each lookup next to its floor and its official
 * counterpart, then the updates (which change the data, so they come last).
 */
function operations(
  loaded: LoadedStore,
  official: OfficialStore | null,
  keys: BenchKey[],
  current: Map<BenchKey, OAuthToken>,
): Operation[] {
  const { store, floor } = loaded;
  const key = () => cycle(keys);
  const ours = alternating();
  const theirs = alternating();

  const list: (Operation | null | undefined)[] = [
    op('floor byUser', key(), (k) => floor.byUser(k.user)),
    op('findToken', key(), (k) => store.findToken({ userSignature: k.user })),
    floor.rawLookup && op('raw lookup', key(), (k) => floor.rawLookup!.byUser(k.user)),
    official && op('official findToken', key(), (k) => official.findByUser(k.user)),
    op('floor byId', key(), (k) => floor.byId(k.id)),
    op('findTokenById', key(), (k) => store.findTokenById(k.id)),
    official && op('official findTokenById', key(), (k) => official.findById(k.id)),
    // An update as after a refresh: the token as last read, with a new access token and expiry.
    op('saveToken', key(), async (k) => {
      const changes = { accessToken: ours(k), expiresAt: Date.now() + 3_600_000 };
      current.set(k, await store.saveToken(current.get(k)!.with(changes)));
    }),
    official && op('official saveToken', key(), (k) => official.saveUpdate(k.user, theirs(k))),
  ];
  return list.filter((operation) => operation !== null && operation !== undefined);
}

/** A new access token for each update of a key: its two fresh values in turn. */
function alternating(): (key: BenchKey) => string {
  const updates = new Map<BenchKey, number>();
  return (key) => {
    const count = (updates.get(key) ?? 0) + 1;
    updates.set(key, count);
    return key.fresh[count % 2]!;
  };
}

/**
 * The stored tokens of the keys, read before timing: an update carries the version it read
 * (as `TokenManager` does), and a file in the official format holds none until we write it.
 */
async function storedTokens(
  loaded: LoadedStore,
  keys: BenchKey[],
): Promise<Map<BenchKey, OAuthToken>> {
  const current = new Map<BenchKey, OAuthToken>();
  for (const key of new Set(keys)) {
    const token = await loaded.store.findTokenById(key.id);
    if (token === null) throw new Error(`token ${key.id} is missing before the updates`);
    current.set(key, token);
  }
  return current;
}

function op(name: string, next: () => BenchKey, run: (key: BenchKey) => unknown): Operation {
  return { name, run: () => run(next()) };
}

function rowsOf(
  setup: StoreSetup,
  size: number,
  timings: Map<string, Timing>,
  loaded: LoadedStore,
  official: OfficialStore | null,
): OperationRow[] {
  const row = (operation: OperationRow['operation'], floorTask: string | null): OperationRow => {
    const timing = timings.get(operation)!;
    const floorTiming = floorTask === null ? undefined : timings.get(floorTask);
    const officialTiming = timings.get(`official ${operation}`);
    const rawTiming = operation === 'findToken' ? timings.get('raw lookup') : undefined;
    return {
      store: setup.label,
      scheme: setup.scheme,
      size,
      operation,
      timing,
      floor: floorTiming ? { name: loaded.floor.name, timing: floorTiming } : null,
      official: officialTiming ? { name: official!.name, timing: officialTiming } : null,
      rawLookup: rawTiming ? { name: loaded.floor.rawLookup!.name, timing: rawTiming } : null,
      vsFloor: floorTiming ? timing.medianNs / floorTiming.medianNs : null,
      vsOfficial: officialTiming ? officialTiming.medianNs / timing.medianNs : null,
    };
  };

  return [
    row('findToken', 'floor byUser'),
    row('findTokenById', 'floor byId'),
    row('saveToken', null),
  ];
}

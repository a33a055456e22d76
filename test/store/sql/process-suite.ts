import { afterAll, beforeAll, type describe, expect, it } from 'vitest';
import type { TokenStore } from '../../../src/store/token-store.js';
import { runScript } from '../../support/processes.js';
import { startLeaseWorker } from './sql-helpers.js';

/** What the shared suite needs to know about one SQL store. */
export interface ProcessSuiteTarget {
  /** The store URL for a table in the suite's own database or schema. */
  url(table: string): string;
  open(url: string): TokenStore;
  /** Drops the suite's database or schema. */
  drop(): Promise<void>;
}

/**
 * The same cross-process checks for every SQL store: concurrent saves from several OS processes
 * and leases held by other processes, including a holder killed with SIGKILL.
 */
export function processSuite(
  suite: typeof describe,
  name: string,
  target: ProcessSuiteTarget,
): void {
  suite(`${name} shared by several processes`, () => {
    const url = target.url('fleet');
    let store: TokenStore;

    beforeAll(() => target.drop());

    afterAll(async () => {
      await store?.close?.();
      await target.drop();
    });

    it('takes 4 processes x 200 concurrent saves as 800 rows with ids 1 to 800', async () => {
      // The four processes also race to create the database (or schema) and the table.
      await Promise.all(
        [0, 1, 2, 3].map((p) => runScript('./save-worker.ts', [url, '200', `p${p}`])),
      );

      store = target.open(url);
      const tokens = await store.getTokens();
      const ids = tokens.map((token) => Number(token.id)).sort((a, b) => a - b);
      expect(tokens).toHaveLength(800);
      expect(ids).toEqual(Array.from({ length: 800 }, (_, i) => i + 1));

      const users = [0, 1, 2, 3].flatMap((p) =>
        Array.from({ length: 200 }, (_, i) => `p${p}-${i}`),
      );
      const found = await Promise.all(
        users.map((user) => store.findToken({ userSignature: `${user}@example.com:1` })),
      );
      expect(found.map((token) => token?.refreshToken)).toEqual(users.map((user) => `r-${user}`));
    }, 120_000);

    it('keeps a lease exclusive across two processes', async () => {
      store ??= target.open(url);
      const worker = startLeaseWorker(url, 'refresh:1', 30_000);
      await worker.waitFor('held');

      expect(await store.acquireLease!('refresh:1', { ttlMs: 5000, waitMs: 500 })).toBeNull();
      const otherKey = await store.acquireLease!('refresh:2', { ttlMs: 5000, waitMs: 0 });
      expect(otherKey).not.toBeNull();
      await otherKey?.release();

      worker.child.stdin.write('release\n');
      await worker.waitFor('released');
      const lease = await store.acquireLease!('refresh:1', { ttlMs: 5000, waitMs: 2000 });
      expect(lease).not.toBeNull();
      await lease?.release();
    }, 60_000);

    it('hands a SIGKILLed holder lease to a waiter within ttl + 1 s', async () => {
      store ??= target.open(url);
      const ttlMs = 3000;
      const worker = startLeaseWorker(url, 'crash', ttlMs);
      await worker.waitFor('held');
      expect(await store.acquireLease!('crash', { ttlMs: 5000, waitMs: 0 })).toBeNull();

      const killedAt = Date.now();
      worker.child.kill('SIGKILL');
      const lease = await store.acquireLease!('crash', { ttlMs: 5000, waitMs: ttlMs + 2000 });

      expect(lease).not.toBeNull();
      expect(Date.now() - killedAt).toBeLessThanOrEqual(ttlMs + 1000);
      await lease?.release();
    }, 60_000);

    it('bounds a holder that never releases by its ttl, and not sooner', async () => {
      store ??= target.open(url);
      const stuck = target.open(url);
      const ttlMs = 1500;
      const held = await stuck.acquireLease!('hung', { ttlMs, waitMs: 0 });
      const heldAt = Date.now();
      expect(held).not.toBeNull();

      expect(await store.acquireLease!('hung', { ttlMs, waitMs: 300 })).toBeNull();
      const taken = await store.acquireLease!('hung', { ttlMs, waitMs: ttlMs + 2000 });
      expect(taken).not.toBeNull();
      expect(Date.now() - heldAt).toBeGreaterThanOrEqual(ttlMs - 100);
      expect(Date.now() - heldAt).toBeLessThanOrEqual(ttlMs + 1000);

      // The stale holder's release must not free the lease its successor now holds.
      await held?.release();
      expect(await stuck.acquireLease!('hung', { ttlMs, waitMs: 0 })).toBeNull();
      await taken?.release();
      await stuck.close?.();
    }, 30_000);
  });
}

import { setTimeout as delay } from 'node:timers/promises';
import type { Lease, TokenStore } from '../../store/token-store.js';
import type { CheckContext, ConformanceCheck } from '../check.js';
import { describeValue } from '../describe.js';
import { fail } from '../failure.js';

/** A TTL that does not run out during a check. */
const HELD_MS = 30_000;

/** Every lease a check took, so that all are released whatever happens. */
class LeaseBook {
  readonly #taken: Lease[] = [];

  async acquire(store: TokenStore, key: string, ttlMs: number, waitMs: number) {
    const lease = await store.acquireLease!(key, { ttlMs, waitMs });
    if (lease !== null && lease !== undefined) this.#taken.push(lease);

    return lease;
  }

  async expectLease(store: TokenStore, key: string, ttlMs: number, waitMs: number, when: string) {
    const lease = await this.acquire(store, key, ttlMs, waitMs);
    if (lease === null || typeof lease?.release !== 'function') {
      fail(`acquireLease(waitMs ${waitMs}) ${when} gave ${describeValue(lease)}, not a lease`);
    }
    return lease;
  }

  /** Releasing is harmless when already done; failures here are not what the check is about. */
  async releaseAll(): Promise<void> {
    await Promise.allSettled(this.#taken.map((lease) => lease.release()));
  }
}

/** Runs a lease check with the store and a contender (another store object when reopen works). */
function leaseCheck(
  body: (
    book: LeaseBook,
    store: TokenStore,
    contender: TokenStore,
    context: CheckContext,
  ) => Promise<void>,
): ConformanceCheck['run'] {
  return async (context) => {
    const contender = context.canReopen ? await context.reopen() : context.store;
    const book = new LeaseBook();
    try {
      await body(book, context.store, contender, context);
    } finally {
      await book.releaseAll();
    }
  };
}

function takeoverWaitMs(ttlMs: number): number {
  return ttlMs * 3 + 1000;
}

const exclusive: ConformanceCheck = {
  id: 'lease.exclusive',
  title: 'a lease is exclusive',
  expected:
    'while a lease is held, acquireLease for its key resolves to null once waitMs has passed; ' +
    'other keys are free; after release() the key can be taken',
  hint:
    'take the lease atomically (SET NX PX, an exclusive lock file, a lock row) and give ' +
    'each holder an owner token',
  requires: 'leases',
  run: leaseCheck(async (book, store, contender, context) => {
    const key = context.uniqueKey('exclusive');
    const holder = await book.expectLease(store, key, HELD_MS, 0, 'on a free key');

    const others = contender === store ? [store] : [store, contender];
    for (const other of others) {
      const second = await book.acquire(other, key, HELD_MS, 100);
      if (second === null) continue;

      const from = other === store ? 'the same store object' : 'another store object';
      fail(`acquireLease from ${from} got the lease while it was held`);
    }
    const elsewhere = await book.expectLease(
      store,
      context.uniqueKey('other'),
      HELD_MS,
      0,
      'on another key',
    );
    await elsewhere.release();

    await holder.release();
    await book.expectLease(contender, key, HELD_MS, 1000, 'after the holder released');
  }),
};

const waits: ConformanceCheck = {
  id: 'lease.waits',
  title: 'acquireLease waits for a release',
  expected: 'an acquireLease waiting up to waitMs gets the lease soon after its holder releases',
  hint: 'retry (or wait for a notification) until waitMs has passed; resolve null only then',
  requires: 'leases',
  run: leaseCheck(async (book, store, contender, context) => {
    const key = context.uniqueKey('waits');
    const holder = await book.expectLease(store, key, HELD_MS, 0, 'on a free key');

    let released = false;
    const releaseSoon = delay(150).then(() => {
      released = true;
      return holder.release();
    });
    await book.expectLease(contender, key, HELD_MS, 5000, 'while the holder releases after 150 ms');
    await releaseSoon;
    if (!released) fail('the waiting acquireLease got the lease before the holder released it');
  }),
};

const ttlTakeover: ConformanceCheck = {
  id: 'lease.ttl-takeover',
  title: 'a lease never released is taken over after its TTL',
  expected:
    'a lease whose holder never releases (it crashed) can be acquired once its ttlMs ran out',
  hint: 'store an expiry with the lease (PX, a timestamp) and treat an expired lease as free',
  requires: 'leases',
  run: leaseCheck(async (book, store, contender, context) => {
    const key = context.uniqueKey('ttl');
    const ttlMs = context.leaseTtlMs;
    await book.expectLease(store, key, ttlMs, 0, 'on a free key');

    const waitMs = takeoverWaitMs(ttlMs);
    await book.expectLease(
      contender,
      key,
      HELD_MS,
      waitMs,
      `after a lease of ttlMs ${ttlMs} was abandoned`,
    );
  }),
};

const staleRelease: ConformanceCheck = {
  id: 'lease.stale-release',
  title: 'an expired holder cannot release the new holder’s lease',
  expected:
    'after a takeover, release() by the old holder leaves the new holder’s lease in place; ' +
    'releasing twice is harmless',
  hint: 'release only when the stored owner token is still yours (compare and delete atomically)',
  requires: 'leases',
  run: leaseCheck(async (book, store, contender, context) => {
    const key = context.uniqueKey('stale');
    const ttlMs = context.leaseTtlMs;
    const stale = await book.expectLease(store, key, ttlMs, 0, 'on a free key');
    const current = await book.expectLease(
      contender,
      key,
      HELD_MS,
      takeoverWaitMs(ttlMs),
      'after expiry',
    );

    await stale.release();
    const intruder = await book.acquire(store, key, HELD_MS, 100);
    if (intruder !== null)
      fail('after the expired holder released, a third caller got the held lease');

    await current.release();
    await current.release();
    await book.expectLease(store, key, HELD_MS, 1000, 'after the new holder released');
  }),
};

/** Cross-process leases, for stores that offer them. */
export const LEASE_CHECKS: readonly ConformanceCheck[] = [
  exclusive,
  waits,
  ttlTakeover,
  staleRelease,
];

import { createHash, randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { ZohoTokensError } from '../../errors.js';
import type { Lease, LeaseOptions } from '../token-store.js';

/**
 * The two statements behind a lease row: take the row (insert it, or replace it when its expiry
 * has passed by the server's clock) and delete it if this owner still holds it.
 */
export interface LeaseRows {
  /** True when `owner` now holds `rowKey` for `ttlMs`. */
  tryTake(rowKey: string, owner: string, ttlMs: number): Promise<boolean>;
  release(rowKey: string, owner: string): Promise<void>;
}

const FIRST_POLL_MS = 20;
const LAST_POLL_MS = 250;

/**
 * Takes the lease `key` (scoped by `scope`, the store's table) through a lease row, polling
 * until `waitMs` has passed; `null` when another holder kept it all along.
 *
 * A lease row carries an expiry written by the database server's clock, so every machine agrees
 * when it ends: a holder that crashes, hangs or loses its network keeps it at most `ttlMs`.
 */
export async function acquireRowLease(
  rows: LeaseRows,
  scope: string,
  key: string,
  options: LeaseOptions,
): Promise<Lease | null> {
  checkLeaseOptions(key, options);

  const rowKey = leaseRowKey(scope, key);
  const owner = `${hostname().slice(0, 60)}:${process.pid}:${randomUUID()}`;
  const deadline = Date.now() + options.waitMs;
  for (let attempt = 0; ; attempt++) {
    if (await rows.tryTake(rowKey, owner, Math.ceil(options.ttlMs)))
      return heldLease(rows, key, rowKey, owner);

    const leftMs = deadline - Date.now();
    if (leftMs <= 0) return null;
    await sleep(Math.min(leftMs, pollDelayMs(attempt)));
  }
}

/** The lease row's key: a digest, so any lease key of any length fits a fixed-width column. */
export function leaseRowKey(scope: string, key: string): string {
  return createHash('sha256').update(`${scope}\n${key}`).digest('hex');
}

function heldLease(rows: LeaseRows, key: string, rowKey: string, owner: string): Lease {
  let released = false;
  return {
    key,
    async release() {
      if (released) return;

      released = true;
      await rows.release(rowKey, owner);
    },
  };
}

// Grows from 20 ms to 250 ms, with jitter so that waiting processes do not poll in step.
function pollDelayMs(attempt: number): number {
  const base = Math.min(LAST_POLL_MS, FIRST_POLL_MS * 1.5 ** attempt);
  return Math.round(base * (0.8 + Math.random() * 0.4));
}

function checkLeaseOptions(key: string, options: LeaseOptions): void {
  if (key === '') throw new ZohoTokensError('ERR_INVALID_ARGUMENT', 'lease key is empty');
  if (!Number.isFinite(options.ttlMs) || options.ttlMs <= 0) {
    throw new ZohoTokensError('ERR_INVALID_ARGUMENT', 'lease ttlMs must be more than zero');
  }
  if (!Number.isFinite(options.waitMs) || options.waitMs < 0) {
    throw new ZohoTokensError('ERR_INVALID_ARGUMENT', 'lease waitMs must be zero or more');
  }
}

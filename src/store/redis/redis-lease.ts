import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { ZohoTokensError } from '../../errors.js';
import type { Lease, LeaseOptions } from '../token-store.js';

/** What the lease needs from the store's connection: the three Redis calls it makes. */
export interface LeaseCommands {
  /** `SET key owner NX PX ttlMs`; true when the key was set. */
  setIfAbsent(key: string, owner: string, ttlMs: number): Promise<boolean>;
  /** Deletes `key` only while it still holds `owner`. */
  releaseIfOwner(key: string, owner: string): Promise<void>;
}

// Polling starts fast (a refresh takes tens of milliseconds) and backs off to this ceiling.
const MAX_POLL_MS = 200;

/**
 * Takes the lease at `leaseKey`: `SET NX PX` with a random owner value, polled with a short
 * backoff for up to `waitMs`. The TTL frees the lease of a holder that crashed; the owner value
 * keeps a holder whose TTL ran out from releasing the next holder's lease.
 */
export async function takeLease(
  commands: LeaseCommands,
  name: string,
  leaseKey: string,
  options: LeaseOptions,
): Promise<Lease | null> {
  checkLeaseOptions(options);

  const owner = randomUUID();
  const deadline = Date.now() + options.waitMs;
  for (let attempt = 0; ; attempt += 1) {
    if (await commands.setIfAbsent(leaseKey, owner, Math.ceil(options.ttlMs))) {
      return heldLease(commands, name, leaseKey, owner);
    }

    const left = deadline - Date.now();
    if (left <= 0) return null;
    await sleep(Math.min(left, pollDelayMs(attempt)));
  }
}

function heldLease(commands: LeaseCommands, name: string, leaseKey: string, owner: string): Lease {
  let released = false;
  return {
    key: name,
    async release() {
      if (released) return;

      await commands.releaseIfOwner(leaseKey, owner);
      released = true;
    },
  };
}

function pollDelayMs(attempt: number): number {
  const base = Math.min(MAX_POLL_MS, 10 * 2 ** attempt);
  return base / 2 + Math.random() * (base / 2);
}

function checkLeaseOptions(options: LeaseOptions): void {
  if (!Number.isFinite(options.ttlMs) || options.ttlMs <= 0) {
    throw new ZohoTokensError('ERR_INVALID_ARGUMENT', 'lease ttlMs must be a positive number');
  }
  if (!Number.isFinite(options.waitMs) || options.waitMs < 0) {
    throw new ZohoTokensError('ERR_INVALID_ARGUMENT', 'lease waitMs must not be negative');
  }
}

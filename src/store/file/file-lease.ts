import { createHash, randomUUID } from 'node:crypto';
import { link, open, rename, unlink } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { ZohoTokensError } from '../../errors.js';
import type { Lease, LeaseOptions } from '../token-store.js';
import { FILE_MODE } from './file-replace.js';

/**
 * Leases of the file store: one lock file per key next to the token file,
 * `TOKENFILE.<hash of key>.lease`, created with O_EXCL and holding the owner's id and expiry.
 *
 * A lease past its expiry may be taken over. Taking over means removing the old file, and two
 * waiters must not both do that (the second would remove the first one's new lease), so removal
 * happens under a short-lived guard file, `LEASE.takeover`, after checking that the file is still
 * the expired one. `release()` also works under the guard, so it can never remove a lease that a
 * waiter took over after this holder's expiry.
 */
export async function acquireFileLease(
  tokenPath: string,
  key: string,
  options: LeaseOptions,
): Promise<Lease | null> {
  checkOptions(options);

  const path = leasePath(tokenPath, key);
  const owner = randomUUID();
  const deadline = Date.now() + options.waitMs;
  for (let attempt = 0; ; attempt++) {
    const record = { owner, pid: process.pid, expiresAt: Date.now() + options.ttlMs };
    if (await createExclusive(path, JSON.stringify(record))) return new FileLease(key, path, owner);

    const held = await readLockFile(path, options.ttlMs);
    if (held === null) continue;
    if (held.expiresAt <= Date.now() && (await removeExpired(path, held, owner))) continue;
    if (Date.now() >= deadline) return null;

    await sleep(pollDelayMs(attempt, Math.min(deadline, held.expiresAt)));
  }
}

/** Where the lease named `key` of the token file at `tokenPath` lives. */
export function leasePath(tokenPath: string, key: string): string {
  const digest = createHash('sha256').update(key).digest('hex').slice(0, 16);
  return `${tokenPath}.${digest}.lease`;
}

/** A guard is held for a few file operations; one older than this was left by a crash. */
const GUARD_TTL_MS = 2000;
const POLL_MIN_MS = 5;
const POLL_MAX_MS = 50;

class FileLease implements Lease {
  readonly key: string;
  readonly #path: string;
  readonly #owner: string;
  #released = false;

  constructor(key: string, path: string, owner: string) {
    this.key = key;
    this.#path = path;
    this.#owner = owner;
  }

  async release(): Promise<void> {
    if (this.#released) return;

    this.#released = true;
    const deadline = Date.now() + 2 * GUARD_TTL_MS;
    for (let attempt = 0; Date.now() < deadline; attempt++) {
      const done = await underGuard(this.#path, this.#owner, async () => {
        const held = await readLockFile(this.#path, 0);
        if (held?.owner === this.#owner) await removeIfPresent(this.#path);
      });
      if (done) return;

      await sleep(pollDelayMs(attempt, deadline));
    }
    throw new ZohoTokensError('ERR_LEASE_TIMEOUT', `could not release lease ${this.#path}`);
  }
}

/** A lock file as read: its bytes and inode tell one holder's file from the next one's. */
interface LockFile {
  owner: string | null;
  expiresAt: number;
  text: string;
  ino: number;
  mtimeMs: number;
}

/** Removes the expired lock file `observed` unless it has changed; false if the guard is busy. */
function removeExpired(path: string, observed: LockFile, owner: string): Promise<boolean> {
  return underGuard(path, owner, async () => {
    const current = await readLockFile(path, 0);
    if (current !== null && isSameLockFile(current, observed)) await removeIfPresent(path);
  });
}

/** Runs `work` holding the takeover guard of a lease; false (nothing run) if it is held. */
async function underGuard(
  path: string,
  owner: string,
  work: () => Promise<void>,
): Promise<boolean> {
  const guard = `${path}.takeover`;
  const record = { owner, pid: process.pid, expiresAt: Date.now() + GUARD_TTL_MS };
  if (!(await createExclusive(guard, JSON.stringify(record)))) {
    await clearCrashedGuard(guard, owner);
    return false;
  }

  try {
    await work();
    return true;
  } finally {
    await removeIfPresent(guard);
  }
}

/**
 * A guard whose holder crashed is moved aside under a unique name, and removed only if what was
 * moved is that expired guard; a live guard moved by mistake is linked back.
 */
async function clearCrashedGuard(guard: string, owner: string): Promise<void> {
  const observed = await readLockFile(guard, GUARD_TTL_MS);
  if (observed === null || observed.expiresAt > Date.now()) return;

  const aside = `${guard}.${owner}.stale`;
  try {
    await rename(guard, aside);
  } catch (error) {
    if (isCode(error, 'ENOENT')) return;
    throw leaseError(guard, error);
  }

  const moved = await readLockFile(aside, GUARD_TTL_MS);
  if (moved !== null && !isSameLockFile(moved, observed)) {
    await link(aside, guard).catch((error: unknown) => {
      if (!isCode(error, 'EEXIST')) throw leaseError(guard, error);
    });
  }
  await removeIfPresent(aside);
}

/** Creates `path` with `text` unless it exists (O_EXCL); true when this call created it. */
async function createExclusive(path: string, text: string): Promise<boolean> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, 'wx', FILE_MODE);
  } catch (error) {
    if (isCode(error, 'EEXIST')) return false;
    throw leaseError(path, error);
  }

  try {
    await handle.writeFile(text, 'utf8');
  } catch (error) {
    await handle.close();
    await removeIfPresent(path);
    throw leaseError(path, error);
  }
  await handle.close();
  return true;
}

/**
 * Reads a lock file; `null` when there is none. A file still empty (its creator is between
 * create and write, or crashed there) or unreadable counts as held until `fallbackTtlMs` after
 * it was made.
 */
async function readLockFile(path: string, fallbackTtlMs: number): Promise<LockFile | null> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    if (isCode(error, 'ENOENT')) return null;
    throw leaseError(path, error);
  }

  try {
    const stats = await handle.stat();
    const text = await handle.readFile('utf8');
    const record = parseRecord(text);
    return {
      owner: record?.owner ?? null,
      expiresAt: record?.expiresAt ?? stats.mtimeMs + fallbackTtlMs,
      text,
      ino: stats.ino,
      mtimeMs: stats.mtimeMs,
    };
  } finally {
    await handle.close();
  }
}

function parseRecord(text: string): { owner: string; expiresAt: number } | null {
  try {
    const record = JSON.parse(text) as { owner?: unknown; expiresAt?: unknown };
    if (typeof record.owner !== 'string' || typeof record.expiresAt !== 'number') return null;
    return { owner: record.owner, expiresAt: record.expiresAt };
  } catch {
    // Not an outage: the file is empty or half-written, which readLockFile gives a fallback.
    return null;
  }
}

function isSameLockFile(a: LockFile, b: LockFile): boolean {
  return a.ino === b.ino && a.text === b.text && a.mtimeMs === b.mtimeMs;
}

async function removeIfPresent(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (error) {
    if (!isCode(error, 'ENOENT')) throw leaseError(path, error);
  }
}

function pollDelayMs(attempt: number, wakeAt: number): number {
  const backoff = Math.min(POLL_MAX_MS, POLL_MIN_MS * 1.5 ** attempt);
  const jittered = backoff / 2 + Math.random() * (backoff / 2);
  return Math.max(1, Math.min(jittered, wakeAt - Date.now()));
}

function checkOptions(options: LeaseOptions): void {
  const valid =
    Number.isFinite(options.ttlMs) &&
    options.ttlMs > 0 &&
    Number.isFinite(options.waitMs) &&
    options.waitMs >= 0;
  if (!valid) {
    throw new ZohoTokensError(
      'ERR_INVALID_ARGUMENT',
      'a lease needs ttlMs > 0 and waitMs >= 0 (milliseconds)',
    );
  }
}

function isCode(error: unknown, code: string): boolean {
  return (error as NodeJS.ErrnoException | null)?.code === code;
}

function leaseError(path: string, error: unknown): ZohoTokensError {
  if (isCode(error, 'ENOENT')) {
    return new ZohoTokensError('ERR_STORE_UNAVAILABLE', `folder of lease ${path} is missing`, {
      cause: error,
    });
  }

  return new ZohoTokensError('ERR_STORE_FAILED', `lease file ${path} failed`, { cause: error });
}

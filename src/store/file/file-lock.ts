import { setTimeout as sleep } from 'node:timers/promises';
import lockfile from 'proper-lockfile';
import { ZohoTokensError } from '../../errors.js';

/** How the cross-process write lock of a token file behaves. */
export interface FileLockOptions {
  /** How long to wait for another process's write. */
  waitMs: number;
  /** After how long without a heartbeat a lock left by a crashed process is broken. */
  staleMs: number;
  /**
   * Told when the lock could not be removed after the work succeeded: the work stands, and
   * other writers wait until the lock is stale.
   */
  onReleaseError(error: unknown): void;
}

/** Lets the work done under the lock check that no one broke it meanwhile. */
export interface HeldLock {
  /** True when the lock was found stale and taken by another process. */
  readonly compromised: boolean;
}

const RETRY_MIN_MS = 2;
const RETRY_MAX_MS = 40;

/**
 * Runs `work` while holding the write lock of the file at `path`, a `PATH.lock` folder made by
 * proper-lockfile (an atomic `mkdir`, kept fresh while held, broken when stale). Every process
 * that writes through this store takes it; the official SDKs take no lock at all.
 */
export async function withFileLock<T>(
  path: string,
  options: FileLockOptions,
  work: (held: HeldLock) => Promise<T>,
): Promise<T> {
  const held = { compromised: false };
  const release = await acquire(path, options, () => {
    held.compromised = true;
  });

  try {
    return await work(held);
  } finally {
    await release().catch((error: unknown) => {
      // A lock broken as stale by another process is gone already; nothing to report then.
      if (!held.compromised) options.onReleaseError(error);
    });
  }
}

async function acquire(
  path: string,
  options: FileLockOptions,
  onCompromised: () => void,
): Promise<() => Promise<void>> {
  const deadline = Date.now() + options.waitMs;
  for (let attempt = 0; ; attempt++) {
    try {
      return await lockfile.lock(path, {
        lockfilePath: `${path}.lock`,
        realpath: false,
        stale: options.staleMs,
        retries: 0,
        onCompromised,
      });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw lockError(path, error);
      if (Date.now() >= deadline) {
        throw new ZohoTokensError(
          'ERR_STORE_UNAVAILABLE',
          `token file ${path} stayed locked by another writer for ${options.waitMs} ms`,
          { cause: error },
        );
      }
    }
    await sleep(retryDelayMs(attempt, deadline));
  }
}

function retryDelayMs(attempt: number, deadline: number): number {
  const backoff = Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 1.5 ** attempt);
  const jittered = backoff / 2 + Math.random() * (backoff / 2);
  return Math.max(1, Math.min(jittered, deadline - Date.now()));
}

function lockError(path: string, error: unknown): ZohoTokensError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') {
    return new ZohoTokensError('ERR_STORE_UNAVAILABLE', `folder of token file ${path} is missing`, {
      cause: error,
    });
  }

  return new ZohoTokensError('ERR_STORE_UNAVAILABLE', `cannot lock token file ${path}`, {
    cause: error,
  });
}

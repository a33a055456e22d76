import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { leasePath } from '../../../src/store/file/file-lease.js';
import { FileStore } from '../../../src/store/file/file-store.js';
import { startWorker, tempFolder, type Worker } from './file-helpers.js';

let folder: string;
let remove: () => void;
let path: string;
const workers: Worker[] = [];
beforeEach(() => {
  ({ folder, remove } = tempFolder());
  path = join(folder, 'sdk_tokens.csv');
});
afterEach(async () => {
  for (const worker of workers.splice(0)) {
    if (worker.child.exitCode === null) worker.child.kill('SIGKILL');
    await worker.exited;
  }
  remove();
});

function worker(args: string[]): Worker {
  const started = startWorker(args);
  workers.push(started);
  return started;
}

describe('file leases', () => {
  it('are exclusive between two processes until released', async () => {
    const holder = worker(['hold-lease', path, 'token:1', '30000']);
    await holder.waitFor('acquired');
    const store = new FileStore(path);

    expect(await store.acquireLease('token:1', { ttlMs: 5000, waitMs: 300 })).toBeNull();
    const other = await store.acquireLease('token:2', { ttlMs: 5000, waitMs: 0 });
    expect(other).not.toBeNull();
    await other!.release();

    holder.send('release');
    await holder.waitFor('released');
    const lease = await store.acquireLease('token:1', { ttlMs: 5000, waitMs: 0 });
    expect(lease).not.toBeNull();
    await lease!.release();
    expect(existsSync(leasePath(store.path, 'token:1'))).toBe(false);
  }, 60_000);

  it('a SIGKILLed holder loses its lease once the TTL has passed, not before', async () => {
    const ttlMs = 3000;
    const startedAt = Date.now();
    const holder = worker(['hold-lease', path, 'token:1', String(ttlMs)]);
    await holder.waitFor('acquired');
    holder.child.kill('SIGKILL');
    await holder.exited;
    const store = new FileStore(path);

    expect(await store.acquireLease('token:1', { ttlMs: 5000, waitMs: 0 })).toBeNull();
    const lease = await store.acquireLease('token:1', { ttlMs: 5000, waitMs: 15_000 });

    expect(lease).not.toBeNull();
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(ttlMs);
    await lease!.release();
  }, 60_000);

  it('of several processes waiting on a stale lease, exactly one takes it over', async () => {
    const holder = worker(['hold-lease', path, 'token:1', '500']);
    await holder.waitFor('acquired');
    holder.child.kill('SIGKILL');
    await holder.exited;
    await sleep(600);

    const racers = [1, 2, 3, 4, 5].map(() =>
      worker(['race-lease', path, 'token:1', '30000', '1500']),
    );
    await Promise.all(racers.map((racer) => racer.waitFor('ready')));
    for (const racer of racers) racer.send('go');
    await Promise.all(racers.map((racer) => racer.exited));

    const outcomes = racers.map((racer) => racer.lines.at(-1));
    expect(outcomes.filter((outcome) => outcome === 'got')).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome === 'none')).toHaveLength(4);
  }, 60_000);

  it('of many waiters in one process on a stale lease, exactly one takes it over', async () => {
    const stale = await new FileStore(path).acquireLease('token:1', { ttlMs: 100, waitMs: 0 });
    expect(stale).not.toBeNull();
    await sleep(150);

    const attempts = await Promise.all(
      Array.from({ length: 12 }, () =>
        new FileStore(path).acquireLease('token:1', { ttlMs: 30_000, waitMs: 300 }),
      ),
    );

    expect(attempts.filter((lease) => lease !== null)).toHaveLength(1);
  });

  it('release() after the TTL leaves the lease of whoever took it over', async () => {
    const store = new FileStore(path);
    const first = await store.acquireLease('token:1', { ttlMs: 100, waitMs: 0 });
    await sleep(150);
    const second = await store.acquireLease('token:1', { ttlMs: 30_000, waitMs: 1000 });
    expect(second).not.toBeNull();

    await first!.release();

    expect(await store.acquireLease('token:1', { ttlMs: 30_000, waitMs: 0 })).toBeNull();
    await second!.release();
    expect(await store.acquireLease('token:1', { ttlMs: 30_000, waitMs: 0 })).not.toBeNull();
  });

  it('leaves only the lease file next to the token file, and refuses bad options', async () => {
    const store = new FileStore(path);
    const lease = await store.acquireLease('token:1', { ttlMs: 1000, waitMs: 0 });

    expect(readdirSync(folder)).toEqual([leasePath(path, 'token:1').slice(folder.length + 1)]);
    await lease!.release();
    expect(readdirSync(folder)).toEqual([]);
    await expect(store.acquireLease('k', { ttlMs: 0, waitMs: 0 })).rejects.toMatchObject({
      code: 'ERR_INVALID_ARGUMENT',
    });
  });
});

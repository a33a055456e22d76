import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import { withTable } from '../identifier.js';
import type { Lease, LeaseOptions } from '../token-store.js';
import * as sql from './sqlite-sql.js';

/**
 * Leases in a table beside the tokens. Taking one is a `BEGIN IMMEDIATE` transaction (SQLite's
 * write lock makes the check and the claim one step for every process on the file); a lease whose
 * expiry has passed is taken over, which is how a holder that crashed loses it.
 */
export class SqliteLeases {
  readonly #db: Database.Database;
  readonly #statements: {
    holder: Database.Statement<[string], { owner: string; expires_at: number }>;
    take: Database.Statement<[string, string, number]>;
    release: Database.Statement<[string, string]>;
  };
  readonly #tryTake: (key: string, owner: string, ttlMs: number) => boolean;

  constructor(db: Database.Database, table: string) {
    this.#db = db;
    db.exec(withTable(sql.CREATE_LEASE_TABLE, table));
    this.#statements = {
      holder: db.prepare(withTable(sql.LEASE_HOLDER, table)),
      take: db.prepare(withTable(sql.TAKE_LEASE, table)),
      release: db.prepare(withTable(sql.RELEASE_LEASE, table)),
    };
    const take = db.transaction((key: string, owner: string, ttlMs: number) => {
      const now = Date.now();
      const holder = this.#statements.holder.get(key);
      if (holder !== undefined && holder.expires_at > now && holder.owner !== owner) return false;

      this.#statements.take.run(key, owner, now + ttlMs);
      return true;
    });
    this.#tryTake = (key, owner, ttlMs) => take.immediate(key, owner, ttlMs);
  }

  /** Takes the lease, polling until `waitMs` has passed; `null` if it stayed taken. */
  async acquire(key: string, options: LeaseOptions): Promise<Lease | null> {
    const owner = randomUUID();
    const deadline = Date.now() + options.waitMs;

    for (let pause = 5; ; pause = Math.min(pause * 2, 100)) {
      if (this.#tryTake(key, owner, options.ttlMs)) return this.#lease(key, owner);
      if (Date.now() >= deadline) return null;
      await new Promise((resolve) => setTimeout(resolve, Math.min(pause, deadline - Date.now())));
    }
  }

  #lease(key: string, owner: string): Lease {
    let released = false;
    return {
      key,
      release: async () => {
        if (released || !this.#db.open) return;
        released = true;
        this.#statements.release.run(key, owner);
      },
    };
  }
}

/**
 * A Map-based store with leases and versions.
 *
 * What it shows:
 * - the optional capabilities: `acquireLease` (the lock `TokenManager` takes around a refresh,
 *   so that processes sharing a store refresh a token once) and compare-and-save versions
 *   (`planSave` refuses a save carrying a stale `version` with `ERR_STORE_CONFLICT`);
 * - a lease has an owner token and a TTL: a holder that never releases (it crashed) loses the
 *   lease when the TTL runs out, and a late `release()` from it cannot free the new holder's;
 * - several store objects can share one `MapBacking`, the way processes share a database, so
 *   the conformance kit can check what a second store object sees.
 *
 * Everything lives in this process's memory: a model of a shared backend, not a real one.
 */
// In your project: import { ... } from 'zoho-tokens';
import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import {
  findMatch,
  type Lease,
  type LeaseOptions,
  matchKeyOf,
  nextId,
  type OAuthToken,
  planSave,
  type TokenQuery,
  type TokenStore,
} from '../src/index.js';

/** What store objects share: the tokens by id, the leases by key, the last id given. */
export interface MapBacking {
  tokens: Map<string, OAuthToken>;
  leases: Map<string, { owner: string; expiresAtMs: number }>;
  lastId: number;
}

/** How often a waiting `acquireLease` looks again. */
const LEASE_POLL_MS = 10;

export class MapLeaseStore implements TokenStore {
  readonly backing: MapBacking;

  constructor(backing: MapBacking = { tokens: new Map(), leases: new Map(), lastId: 0 }) {
    this.backing = backing;
  }

  async findToken(query: TokenQuery): Promise<OAuthToken | null> {
    return this.#lookup(query);
  }

  async findTokenById(id: string): Promise<OAuthToken | null> {
    return this.backing.tokens.get(id) ?? null;
  }

  /**
   * No `await` from the lookup to the write: nothing else runs in between, so two saves of one
   * user can never both insert. (A store over a network needs a transaction or a lock here.)
   */
  async saveToken(token: OAuthToken): Promise<OAuthToken> {
    const stored =
      token.id !== null ? (this.backing.tokens.get(token.id) ?? null) : this.#lookup(token);
    const saved = planSave(token, stored, () => nextId(this.backing.lastId));
    this.backing.lastId = Math.max(this.backing.lastId, Number(saved.id));
    this.backing.tokens.set(saved.id!, saved);
    return saved;
  }

  async deleteToken(id: string): Promise<void> {
    this.backing.tokens.delete(id);
  }

  async getTokens(): Promise<OAuthToken[]> {
    return [...this.backing.tokens.values()];
  }

  async deleteTokens(): Promise<void> {
    this.backing.tokens.clear();
  }

  async acquireLease(key: string, options: LeaseOptions): Promise<Lease | null> {
    const owner = randomUUID();
    const deadline = Date.now() + options.waitMs;
    for (;;) {
      if (this.#take(key, owner, options.ttlMs)) return this.#lease(key, owner);
      if (Date.now() >= deadline) return null;

      await delay(Math.min(LEASE_POLL_MS, Math.max(1, deadline - Date.now())));
    }
  }

  #lookup(query: TokenQuery): OAuthToken | null {
    const key = matchKeyOf(query);
    return key === null ? null : findMatch(this.backing.tokens.values(), key);
  }

  /** Takes the lease when it is free or its holder's TTL ran out. */
  #take(key: string, owner: string, ttlMs: number): boolean {
    const held = this.backing.leases.get(key);
    if (held !== undefined && held.expiresAtMs > Date.now()) return false;

    this.backing.leases.set(key, { owner, expiresAtMs: Date.now() + ttlMs });
    return true;
  }

  #lease(key: string, owner: string): Lease {
    return {
      key,
      // Only while the lease is still ours: after a takeover it belongs to someone else.
      release: async () => {
        if (this.backing.leases.get(key)?.owner === owner) this.backing.leases.delete(key);
      },
    };
  }
}

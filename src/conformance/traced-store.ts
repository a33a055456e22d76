import type { Lease, LeaseOptions, TokenQuery, TokenStore } from '../store/token-store.js';
import type { OAuthToken } from '../token/oauth-token.js';
import { StoreCallError } from './failure.js';

/** The six methods every store has. */
export const REQUIRED_METHODS = [
  'findToken',
  'findTokenById',
  'saveToken',
  'deleteToken',
  'getTokens',
  'deleteTokens',
] as const;

/**
 * Counts the store calls still waiting for an answer, so that a check that times out can say
 * which method hung.
 */
export class CallTracker {
  readonly #pending = new Map<string, number>();

  /** Runs one store call; a rejection becomes a {@link StoreCallError} naming the method. */
  async track<T>(method: string, call: () => T | Promise<T>): Promise<T> {
    this.#pending.set(method, (this.#pending.get(method) ?? 0) + 1);
    try {
      return await call();
    } catch (error) {
      throw new StoreCallError(method, error);
    } finally {
      const left = (this.#pending.get(method) ?? 1) - 1;
      if (left === 0) this.#pending.delete(method);
      else this.#pending.set(method, left);
    }
  }

  /** The calls still waiting, as `saveToken ×3, findToken`, or `''`. */
  pending(): string {
    const calls = [...this.#pending].map(([method, count]) =>
      count === 1 ? method : `${method} ×${count}`,
    );
    return calls.join(', ');
  }
}

/**
 * The store as the checks see it: the same methods (optional ones only where the store has
 * them), every call tracked. A missing method rejects like a failed call instead of throwing a
 * bare `TypeError`.
 */
export function tracedStore(store: TokenStore, tracker: CallTracker): TokenStore {
  const call = <T>(method: string, args: unknown[]): Promise<T> =>
    tracker.track(method, () => {
      const fn = (store as unknown as Record<string, unknown>)[method];
      if (typeof fn !== 'function') throw new TypeError(`the store has no ${method} method`);
      return fn.apply(store, args) as T | Promise<T>;
    });

  const traced: TokenStore = {
    findToken: (query: TokenQuery) => call<OAuthToken | null>('findToken', [query]),
    findTokenById: (id: string) => call<OAuthToken | null>('findTokenById', [id]),
    saveToken: (token: OAuthToken) => call<OAuthToken>('saveToken', [token]),
    deleteToken: (id: string) => call<void>('deleteToken', [id]),
    getTokens: () => call<OAuthToken[]>('getTokens', []),
    deleteTokens: () => call<void>('deleteTokens', []),
  };
  if (typeof store.acquireLease === 'function') {
    traced.acquireLease = async (key: string, options: LeaseOptions) => {
      const lease = await call<Lease | null>('acquireLease', [key, options]);
      return lease === null || lease === undefined ? lease : tracedLease(lease, tracker);
    };
  }
  if (typeof store.close === 'function') traced.close = () => call<void>('close', []);

  return traced;
}

function tracedLease(lease: Lease, tracker: CallTracker): Lease {
  return {
    key: lease.key,
    release: () => tracker.track('Lease.release', () => lease.release()),
  };
}

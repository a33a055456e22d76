import type { TokenStore } from '../store/token-store.js';
import type { RawRow, Requirement } from './types.js';

/** What a check gets: the fresh store (every call tracked) and the hooks the options gave. */
export interface CheckContext {
  /** The fresh, empty store of this check. */
  readonly store: TokenStore;
  /** The same store untracked: only for looking at its shape, never for calls. */
  readonly original: TokenStore;
  /** True when `reopen` is available. */
  readonly canReopen: boolean;
  /** A second store object on the same backing; cleaned up with the check. */
  reopen(): Promise<TokenStore>;
  /** Simulates an outage of the backend. */
  breakStore(): Promise<void>;
  /** The rows as the backing holds them. */
  rawRead(): Promise<RawRow[]>;
  /** How long one call may take in the checks that time single calls. */
  readonly callTimeoutMs: number;
  /** The TTL for leases that are never released. */
  readonly leaseTtlMs: number;
  /** A lease key no other check or test run uses. */
  uniqueKey(name: string): string;
}

/** One behaviour the kit checks. */
export interface ConformanceCheck {
  /** Stable id: `group.behaviour`. */
  readonly id: string;
  readonly title: string;
  /** What a conforming store does, in one or two sentences. */
  readonly expected: string;
  /** One line on how to fix a failure. */
  readonly hint: string;
  /** What the check needs beyond the six methods; without it the check is skipped. */
  readonly requires?: Requirement;
  /** Resolves when the store behaved; throws a `CheckFailure` saying what it did instead. */
  run(context: CheckContext): Promise<void>;
}

import type { TokenStore } from '../store/token-store.js';

/** Makes a fresh, empty store: one per check. */
export type CreateStore = () => TokenStore | Promise<TokenStore>;

/**
 * A row as the backing actually holds it, keyed by the official column names (`id`,
 * `user_name`, `client_id`, `client_secret`, `refresh_token`, `access_token`, `grant_token`,
 * `expiry_time`, `redirect_url`, `api_domain`). Columns a store does not keep may be left out.
 */
export type RawRow = Record<string, unknown>;

/** The optional capabilities a store may declare. */
export interface Capabilities {
  /** `acquireLease`; by default checked when the store has the method. */
  leases?: boolean;
  /** A save carrying a stale `version` is refused; never detected, so off unless declared. */
  compareAndSave?: boolean;
  /** `close()`; by default checked when the store has the method. */
  close?: boolean;
}

/** Options of {@link verifyTokenStore} and {@link registerConformanceTests}. */
export interface VerifyOptions {
  /** How long one check may take before it fails as hung. Default 10000. */
  timeoutMs?: number;
  /**
   * Called for every store a check opened (the fresh one, then any reopened one, newest
   * first) once the check is over. Default: delete the tokens the check wrote (the store was
   * empty before it), then `close()`.
   */
  cleanup?: (store: TokenStore) => unknown;
  /**
   * A new store object on the same backing (a second process, in effect). Enables the checks
   * that look at what was really persisted, such as a "delete all" that never commits.
   */
  reopen?: (store: TokenStore) => TokenStore | Promise<TokenStore>;
  /**
   * Simulates an outage of the store's backend (close its connection, remove its file...).
   * Like `cleanup`, it may return a promise, which is awaited.
   */
  breakStore?: (store: TokenStore) => unknown;
  /** Reads the rows as the backing holds them, bypassing the store's own lookups. */
  rawRead?: (store: TokenStore) => Promise<RawRow[]>;
  /** Which optional capabilities to check; see {@link Capabilities}. */
  capabilities?: Capabilities;
  /** The TTL the lease checks give a lease that is never released. Default 500. */
  leaseTtlMs?: number;
  /** Run only the checks with these ids. */
  only?: readonly string[];
  /** Called after each check, for progress output. */
  onResult?: (result: CheckResult) => void;
}

/** What a check needs beyond the six methods; without it the check is skipped. */
export type Requirement =
  | 'reopen'
  | 'breakStore'
  | 'rawRead'
  | 'leases'
  | 'compareAndSave'
  | 'close';

/** The outcome of one check. */
export type CheckStatus = 'passed' | 'failed' | 'skipped';

/** One behaviour of the store, as checked. */
export interface CheckResult {
  /** Stable id, such as `match.no-key`. */
  id: string;
  title: string;
  status: CheckStatus;
  /** What a conforming store does. */
  expected: string;
  /** What this store did (for a skipped check: why it was not run). */
  actual: string;
  /** One line on how to fix a failure. */
  hint: string;
  durationMs: number;
  /** A problem while cleaning up after the check (it does not change the status). */
  cleanupError?: string;
}

/** Everything {@link verifyTokenStore} found. */
export interface ConformanceReport {
  /** True when no check failed. */
  ok: boolean;
  passed: number;
  failed: number;
  skipped: number;
  durationMs: number;
  results: CheckResult[];
}

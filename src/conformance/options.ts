import { ZohoTokensError } from '../errors.js';
import type { Requirement, VerifyOptions } from './types.js';

/** The options with their defaults filled in. */
export type ResolvedOptions = VerifyOptions & { timeoutMs: number; leaseTtlMs: number };

/** Checks and completes the options. */
export function resolveOptions(options: VerifyOptions): ResolvedOptions {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const leaseTtlMs = options.leaseTtlMs ?? 500;
  if (!(timeoutMs > 0) || !(leaseTtlMs > 0)) {
    throw new ZohoTokensError('ERR_INVALID_ARGUMENT', 'timeoutMs and leaseTtlMs must be positive');
  }

  return { ...options, timeoutMs, leaseTtlMs };
}

const HOOK_SKIPS: Partial<Record<Requirement, [keyof VerifyOptions, string]>> = {
  reopen: ['reopen', 'options.reopen not given: no second store object on the same backing'],
  breakStore: ['breakStore', 'options.breakStore not given: no way to simulate an outage'],
  rawRead: ['rawRead', 'options.rawRead not given: no way to read what the backing holds'],
};

/**
 * Why a check is skipped before any store is made: a hook the options do not give, or a
 * capability declared absent. `null` when it runs (capabilities left undeclared are decided
 * once the store exists, by {@link skipForStore}).
 */
export function skipForOptions(
  requirement: Requirement | undefined,
  options: VerifyOptions,
): string | null {
  if (requirement === undefined) return null;

  const hook = HOOK_SKIPS[requirement];
  if (hook !== undefined) return options[hook[0]] === undefined ? hook[1] : null;

  const declared = options.capabilities?.[requirement as keyof typeof options.capabilities];
  if (declared === false) return `capabilities.${requirement} is declared false`;
  if (requirement === 'compareAndSave' && declared !== true) {
    return 'not declared: set capabilities.compareAndSave to true to check versions';
  }
  return null;
}

const METHOD_OF: Partial<Record<Requirement, string>> = {
  leases: 'acquireLease',
  close: 'close',
};

/**
 * For a capability found on the store itself: `null` when the check runs, a reason to skip when
 * the store lacks it and it was not declared, and a failure message when it was declared but
 * the method is missing (returned with `declaredMissing`).
 */
export function skipForStore(
  requirement: Requirement | undefined,
  options: VerifyOptions,
  store: object,
): { skip: string } | { declaredMissing: string } | null {
  const method = requirement === undefined ? undefined : METHOD_OF[requirement];
  if (method === undefined) return null;
  if (typeof (store as Record<string, unknown>)[method] === 'function') return null;

  const declared = options.capabilities?.[requirement as 'leases' | 'close'];
  if (declared === true) {
    return {
      declaredMissing: `capabilities.${requirement} is declared but the store has no ${method}()`,
    };
  }
  return { skip: `the store has no ${method}() (an optional capability)` };
}

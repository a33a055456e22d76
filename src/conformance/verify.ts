import { ZohoTokensError } from '../errors.js';
import type { ConformanceCheck } from './check.js';
import { CHECKS } from './checks/index.js';
import { resolveOptions } from './options.js';
import { runCheck } from './run-check.js';
import type { CheckResult, ConformanceReport, CreateStore, VerifyOptions } from './types.js';

/**
 * Runs every conformance check against stores made by `createStore` (a fresh, empty one per
 * check) and reports each behaviour as passed, failed (with what happened and a hint) or skipped
 * (an optional capability the store does not declare). Never throws for a misbehaving store;
 * every check has a timeout, so a hanging store fails instead of hanging.
 *
 * The kit deletes what it writes: never point it at a store holding real tokens (it refuses to
 * run a check on a store that is not empty).
 *
 * @example
 * ```ts
 * import { verifyTokenStore } from 'zoho-tokens/conformance';
 *
 * const report = await verifyTokenStore(() => new MyStore(), { capabilities: { leases: true } });
 * for (const result of report.results.filter((r) => r.status === 'failed')) {
 *   console.log(`${result.id}: ${result.actual}\n  fix: ${result.hint}`);
 * }
 * ```
 */
export async function verifyTokenStore(
  createStore: CreateStore,
  options: VerifyOptions = {},
): Promise<ConformanceReport> {
  const resolved = resolveOptions(options);
  const startedAt = performance.now();

  const results: CheckResult[] = [];
  for (const check of selectChecks(options.only)) {
    const result = await runCheck(check, createStore, resolved);
    options.onResult?.(result);
    results.push(result);
  }

  return summarize(results, Math.round(performance.now() - startedAt));
}

/** The checks to run: all, or those `only` names (an unknown id is an error, not a no-op). */
export function selectChecks(only: readonly string[] | undefined): readonly ConformanceCheck[] {
  if (only === undefined) return CHECKS;

  const unknown = only.filter((id) => !CHECKS.some((check) => check.id === id));
  if (unknown.length > 0) {
    throw new ZohoTokensError(
      'ERR_INVALID_ARGUMENT',
      `unknown conformance checks: ${unknown.join(', ')}`,
    );
  }
  return CHECKS.filter((check) => only.includes(check.id));
}

function summarize(results: CheckResult[], durationMs: number): ConformanceReport {
  const count = (status: CheckResult['status']) =>
    results.filter((r) => r.status === status).length;
  const failed = count('failed');

  return {
    ok: failed === 0,
    passed: count('passed'),
    failed,
    skipped: count('skipped'),
    durationMs,
    results,
  };
}

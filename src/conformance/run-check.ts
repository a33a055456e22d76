import type { ConformanceCheck } from './check.js';
import { describeError } from './describe.js';
import { actualOf, CheckFailure, CheckSkipped } from './failure.js';
import { type ResolvedOptions, skipForOptions } from './options.js';
import { CheckSession } from './session.js';
import { withTimeout } from './timeout.js';
import type { CheckResult, CheckStatus, CreateStore } from './types.js';
import { UncaughtWatch } from './uncaught.js';

const UNCAUGHT_HINT =
  "listen for 'error' on every client or socket the store holds (a pg client checked out of " +
  'its pool too) and await every promise: an unhandled error ends the process';

const HANG_HINT =
  'every method must resolve or reject: give the driver a connect and query timeout, and ' +
  'never leave a promise pending';

/**
 * Runs one check on a fresh store, within the time the options allow, and cleans up after it.
 * Never throws: whatever happens ends up in the result.
 */
export async function runCheck(
  check: ConformanceCheck,
  createStore: CreateStore,
  options: ResolvedOptions,
): Promise<CheckResult> {
  const startedAt = performance.now();
  const skipReason = skipForOptions(check.requires, options);
  if (skipReason !== null) return resultOf(check, 'skipped', skipReason, undefined, 0);

  const session = new CheckSession(createStore, options);
  const timedOut = () => {
    const pending = session.tracker.pending();
    const waiting = pending === '' ? '' : `; still waiting for ${pending}`;
    return new CheckFailure(`no answer within ${options.timeoutMs} ms${waiting}`, HANG_HINT);
  };

  let status: CheckStatus = 'passed';
  let actual = check.expected;
  let hint: string | undefined;
  const uncaught = new UncaughtWatch().start();
  try {
    await withTimeout(session.run(check), options.timeoutMs, timedOut);
  } catch (error) {
    status = error instanceof CheckSkipped ? 'skipped' : 'failed';
    actual = error instanceof CheckSkipped ? error.message : actualOf(error);
    hint = error instanceof CheckFailure ? error.hint : undefined;
  }

  const cleanupError = await session.cleanup();
  uncaught.stop();
  if (uncaught.errors.length > 0) {
    status = 'failed';
    actual = `the store raised an error nothing handled: ${describeError(uncaught.errors[0])}`;
    hint = UNCAUGHT_HINT;
  }
  const durationMs = Math.round(performance.now() - startedAt);
  return { ...resultOf(check, status, actual, hint, durationMs), ...cleanup(cleanupError) };
}

function resultOf(
  check: ConformanceCheck,
  status: CheckStatus,
  actual: string,
  hint: string | undefined,
  durationMs: number,
): CheckResult {
  return {
    id: check.id,
    title: check.title,
    status,
    expected: check.expected,
    actual,
    hint: hint ?? check.hint,
    durationMs,
  };
}

function cleanup(error: string | undefined): Pick<CheckResult, 'cleanupError'> {
  return error === undefined ? {} : { cleanupError: error };
}

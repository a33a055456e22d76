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

/** How a check ended; `hint` replaces the check's own when the failure is of another kind. */
interface Outcome {
  status: CheckStatus;
  actual: string;
  hint?: string;
}

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
  if (skipReason !== null) return resultOf(check, { status: 'skipped', actual: skipReason }, 0);

  const session = new CheckSession(createStore, options);
  const uncaught = new UncaughtWatch().start();
  let outcome = await attempt(session, check, options.timeoutMs);
  const cleanupError = await session.cleanup();
  uncaught.stop();

  if (uncaught.errors.length > 0) {
    const error = describeError(uncaught.errors[0]);
    const actual = `the store raised an error nothing handled: ${error}`;
    outcome = { status: 'failed', actual, hint: UNCAUGHT_HINT };
  }
  const result = resultOf(check, outcome, Math.round(performance.now() - startedAt));
  return cleanupError === undefined ? result : { ...result, cleanupError };
}

async function attempt(
  session: CheckSession,
  check: ConformanceCheck,
  timeoutMs: number,
): Promise<Outcome> {
  const timedOut = () => {
    const pending = session.tracker.pending();
    const waiting = pending === '' ? '' : `; still waiting for ${pending}`;
    return new CheckFailure(`no answer within ${timeoutMs} ms${waiting}`, HANG_HINT);
  };

  try {
    await withTimeout(session.run(check), timeoutMs, timedOut);
    return { status: 'passed', actual: check.expected };
  } catch (error) {
    if (error instanceof CheckSkipped) return { status: 'skipped', actual: error.message };

    const hint = error instanceof CheckFailure ? error.hint : undefined;
    return { status: 'failed', actual: actualOf(error), ...(hint === undefined ? {} : { hint }) };
  }
}

function resultOf(check: ConformanceCheck, outcome: Outcome, durationMs: number): CheckResult {
  return {
    id: check.id,
    title: check.title,
    status: outcome.status,
    expected: check.expected,
    actual: outcome.actual,
    hint: outcome.hint ?? check.hint,
    durationMs,
  };
}

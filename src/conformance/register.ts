import { AssertionError } from 'node:assert';
import { resolveOptions } from './options.js';
import { runCheck } from './run-check.js';
import type { CheckResult, CreateStore, VerifyOptions } from './types.js';
import { selectChecks } from './verify.js';

/** The test context both vitest and node:test pass to a test: it can mark the test skipped. */
export interface SkippableContext {
  skip?(note?: string): void;
}

/**
 * The `describe` and `it` of a test runner that takes `it(name, { timeout }, fn)`: vitest,
 * node:test (`import { describe, it } from 'node:test'`), Bun.
 */
export interface TestRunner {
  describe(name: string, body: () => void): unknown;
  it(
    name: string,
    options: { timeout: number },
    body: (context: SkippableContext) => Promise<void>,
  ): unknown;
}

/** Options of {@link registerConformanceTests}. */
export interface RegisterOptions extends VerifyOptions {
  /** The name of the `describe` block. Default `TokenStore conformance`. */
  suiteName?: string;
}

/**
 * Registers every conformance check as a test of your own suite: one `it` per behaviour, a
 * failure reported with what the store did and how to fix it, checks of capabilities the store
 * does not declare marked skipped.
 *
 * @example
 * ```ts
 * // test/my-store.conformance.test.ts (vitest)
 * import { describe, it } from 'vitest';
 * import { registerConformanceTests } from 'zoho-tokens/conformance';
 * import { MyStore } from '../src/my-store.js';
 *
 * registerConformanceTests(() => new MyStore(), { describe, it });
 * ```
 */
export function registerConformanceTests(
  createStore: CreateStore,
  runner: TestRunner,
  options: RegisterOptions = {},
): void {
  const resolved = resolveOptions(options);
  // The runner's own timeout must leave room for the kit's, which says which call hung.
  const timeout = resolved.timeoutMs * 2 + 5000;

  runner.describe(options.suiteName ?? 'TokenStore conformance', () => {
    for (const check of selectChecks(options.only)) {
      runner.it(`${check.id}: ${check.title}`, { timeout }, async (context) => {
        const result = await runCheck(check, createStore, resolved);
        options.onResult?.(result);
        if (result.status === 'skipped') return context?.skip?.(result.actual);
        if (result.status === 'failed') throw failureOf(result);
      });
    }
  });
}

function failureOf(result: CheckResult): AssertionError {
  const cleanup = result.cleanupError === undefined ? '' : `\n  cleanup: ${result.cleanupError}`;
  return new AssertionError({
    message:
      `${result.id}: ${result.title}\n  expected: ${result.expected}\n` +
      `  actual: ${result.actual}\n  fix: ${result.hint}${cleanup}`,
    actual: result.actual,
    expected: result.expected,
    operator: 'conformsTo',
  });
}

/**
 * The store conformance kit: checks that a `TokenStore` behaves as the library, the official
 * SDKs and DESIGN.md expect, one behaviour at a time.
 *
 * - {@link verifyTokenStore} runs every check and returns a report;
 * - {@link registerConformanceTests} registers the same checks as tests of your own suite
 *   (vitest, node:test);
 * - `zoho-tokens verify-store MODULE` runs them from the command line.
 *
 * @packageDocumentation
 */
import { CHECKS } from './checks/index.js';
import type { Requirement } from './types.js';

export {
  type RegisterOptions,
  registerConformanceTests,
  type SkippableContext,
  type TestRunner,
} from './register.js';
export type {
  Capabilities,
  CheckResult,
  CheckStatus,
  ConformanceReport,
  CreateStore,
  RawRow,
  Requirement,
  VerifyOptions,
} from './types.js';
export { verifyTokenStore } from './verify.js';

/** What a check is, without its code: for documentation and tooling. */
export interface CheckDescription {
  id: string;
  title: string;
  expected: string;
  hint: string;
  /** What the check needs beyond the six methods (a hook or an optional capability). */
  requires: Requirement | null;
}

/** Every check the kit runs, in report order. */
export const CONFORMANCE_CHECKS: readonly CheckDescription[] = CHECKS.map((check) => ({
  id: check.id,
  title: check.title,
  expected: check.expected,
  hint: check.hint,
  requires: check.requires ?? null,
}));

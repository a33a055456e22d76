import { describeError } from './describe.js';

/**
 * Thrown by a check when the store did something else than expected; `actual` says what. A
 * `hint` here replaces the check's own (for failures that are not about the behaviour checked,
 * such as a hang or a store that was not empty).
 */
export class CheckFailure extends Error {
  readonly actual: string;
  readonly hint: string | undefined;

  constructor(actual: string, hint?: string) {
    super(actual);
    this.name = 'CheckFailure';
    this.actual = actual;
    this.hint = hint;
  }
}

/** Thrown when a check cannot run because the store lacks an undeclared optional capability. */
export class CheckSkipped extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'CheckSkipped';
  }
}

/** A store method rejected; the original error is kept as `error`. */
export class StoreCallError extends Error {
  readonly method: string;
  readonly error: unknown;

  constructor(method: string, error: unknown) {
    super(`${method} rejected with ${describeError(error)}`);
    this.name = 'StoreCallError';
    this.method = method;
    this.error = error;
  }
}

/** Fails the running check. */
export function fail(actual: string): never {
  throw new CheckFailure(actual);
}

/** What a check's failure says, whatever was thrown. */
export function actualOf(error: unknown): string {
  if (error instanceof CheckFailure || error instanceof StoreCallError) return error.message;

  return `the check stopped on ${describeError(error)}`;
}

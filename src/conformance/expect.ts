import type { OAuthToken } from '../token/oauth-token.js';
import { describeToken, describeValue } from './describe.js';
import { fail, StoreCallError } from './failure.js';
import { DATA_FIELDS } from './fixtures.js';

/** Fails unless `value` is exactly `null`. */
export function expectNull(value: unknown, call: string): void {
  if (value === null) return;

  fail(`${call} returned ${describeToken(value)} instead of null`);
}

/**
 * Fails unless `actual` holds the values of `expected` (and its id, when it has one). Absent
 * values may come back as `null` or `undefined`; an expiry may come back as a numeric string
 * (the value checks are strict about both).
 */
export function expectToken(actual: unknown, expected: OAuthToken, call: string): OAuthToken {
  if (actual === null || typeof actual !== 'object') {
    fail(`${call} returned ${describeToken(actual)}; expected ${describeToken(expected)}`);
  }

  const token = actual as OAuthToken;
  if (expected.id !== null && String(token.id) !== expected.id) {
    fail(`${call} returned ${describeToken(token)}; expected ${describeToken(expected)}`);
  }
  const differs = DATA_FIELDS.find((field) => !sameValue(token[field], expected[field]));
  if (differs !== undefined) {
    fail(
      `${call} returned ${describeToken(token)} whose ${differs} is ` +
        `${describeValue(token[differs])}; expected ${describeValue(expected[differs])}`,
    );
  }

  return token;
}

/** Fails unless `tokens` is an array of `count` items. */
export function expectCount(tokens: unknown, count: number, call: string): OAuthToken[] {
  if (!Array.isArray(tokens)) fail(`${call} returned ${describeValue(tokens)}, not an array`);
  if (tokens.length !== count) {
    const listed = tokens.map(describeToken).join(', ');
    fail(`${call} returned ${tokens.length} tokens (${listed}); expected ${count}`);
  }

  return tokens as OAuthToken[];
}

/** The error a store call rejected with, or `null` when it resolved. */
export async function rejectionOf(call: Promise<unknown>): Promise<unknown> {
  try {
    await call;
    return null;
  } catch (error) {
    return error instanceof StoreCallError ? error.error : error;
  }
}

function sameValue(actual: unknown, expected: unknown): boolean {
  const got = actual ?? null;
  if (got === expected) return true;
  if (typeof expected === 'number' && typeof got === 'string') return Number(got) === expected;

  return false;
}

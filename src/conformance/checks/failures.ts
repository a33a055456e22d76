import type { CheckContext, ConformanceCheck } from '../check.js';
import { describeError, describeToken } from '../describe.js';
import { fail, StoreCallError } from '../failure.js';
import { kitToken, requireId, saveInOrder, userOf } from '../fixtures.js';
import { type Settled, settleWithin } from '../timeout.js';

/** Codes a store failure may carry (the encrypting wrapper adds its key errors). */
const STORE_CODE = /^(ERR_STORE_[A-Z_]+|ERR_DECRYPT|ERR_KEY_MISSING)$/;

type Outcome = [method: string, settled: Settled<unknown>];

/** Saves a token, breaks the backend, then calls each of the six methods once. */
async function callBrokenStore(context: CheckContext): Promise<Outcome[]> {
  const { store } = context;
  const [ada] = await saveInOrder(store, [kitToken('ada')]);
  const id = requireId(ada);
  await context.breakStore();

  const calls: [string, () => Promise<unknown>][] = [
    ['findToken', () => store.findToken({ userSignature: userOf('ada') })],
    ['findTokenById', () => store.findTokenById(id)],
    ['saveToken', () => store.saveToken(kitToken('bob'))],
    ['getTokens', () => store.getTokens()],
    ['deleteToken', () => store.deleteToken(id)],
    ['deleteTokens', () => store.deleteTokens()],
  ];
  const outcomes: Outcome[] = [];
  for (const [method, call] of calls) {
    outcomes.push([method, await settleWithin(call(), context.callTimeoutMs)]);
  }
  return outcomes;
}

const rejects: ConformanceCheck = {
  id: 'failure.rejects',
  title: 'a backend failure rejects',
  expected:
    'when the backend is down, every method rejects promptly: none hangs, none resolves to ' +
    'null or [] as if nothing were stored',
  hint: 'let driver errors reach the caller (wrapped); never catch them and return null or []',
  requires: 'breakStore',
  async run(context) {
    const problems: string[] = [];
    for (const [method, settled] of await callBrokenStore(context)) {
      if (settled.state === 'resolved') {
        problems.push(`${method} resolved to ${describeToken(settled.value)}`);
      }
      if (settled.state === 'hung') {
        problems.push(`${method} did not settle within ${context.callTimeoutMs} ms`);
      }
    }

    if (problems.length > 0) fail(`with the backend down: ${problems.join('; ')}`);
  },
};

const typed: ConformanceCheck = {
  id: 'failure.typed-error',
  title: 'a backend failure is a typed store error',
  expected:
    'the rejections are errors with a zoho-tokens store code (ERR_STORE_UNAVAILABLE, ' +
    'ERR_STORE_FAILED, ...)',
  hint:
    'wrap driver errors: ' +
    "new ZohoTokensError('ERR_STORE_UNAVAILABLE', 'what failed', { cause })",
  requires: 'breakStore',
  async run(context) {
    const rejected = (await callBrokenStore(context)).filter(([, settled]) => {
      return settled.state === 'rejected';
    });
    if (rejected.length === 0)
      fail('no method rejected with the backend down (see failure.rejects)');

    for (const [method, settled] of rejected) {
      const wrapped = (settled as { error: unknown }).error;
      const error = wrapped instanceof StoreCallError ? wrapped.error : wrapped;
      const code = (error as { code?: unknown } | null)?.code;
      if (error instanceof Error && typeof code === 'string' && STORE_CODE.test(code)) continue;

      fail(`${method} rejected with ${describeError(error)}`);
    }
  },
};

/** What callers see when the backend is down. */
export const FAILURE_CHECKS: readonly ConformanceCheck[] = [rejects, typed];

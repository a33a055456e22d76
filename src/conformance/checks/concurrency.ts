import type { OAuthToken } from '../../token/oauth-token.js';
import type { ConformanceCheck } from '../check.js';
import { describeValue } from '../describe.js';
import { expectCount } from '../expect.js';
import { fail } from '../failure.js';
import { EXPIRES_AT, idOf, kitToken } from '../fixtures.js';

const PARALLEL = 50;

/** Waits for every save; fails saying how many rejected, and why the first did. */
async function allSaved(saves: Promise<OAuthToken>[]): Promise<OAuthToken[]> {
  const settled = await Promise.allSettled(saves);
  const rejected = settled.filter((outcome) => outcome.status === 'rejected');
  if (rejected.length > 0) {
    const first = rejected[0]!.reason as unknown;
    const reason = first instanceof Error ? first.message : describeValue(first);
    fail(`${rejected.length} of ${saves.length} parallel saves rejected; the first: ${reason}`);
  }

  return settled.map((outcome) => (outcome as PromiseFulfilledResult<OAuthToken>).value);
}

const distinctUsers: ConformanceCheck = {
  id: 'concurrency.distinct-users',
  title: `${PARALLEL} parallel saves of different users give ${PARALLEL} tokens`,
  expected:
    `${PARALLEL} saves of ${PARALLEL} users started together all resolve, ` +
    `with ${PARALLEL} distinct ids`,
  hint:
    'assign the id and insert in one transaction or under one lock (BEGIN IMMEDIATE, a ' +
    'sequence, INCR), so that two saves never take the same id',
  async run({ store }) {
    const tokens = Array.from({ length: PARALLEL }, (_, index) => kitToken(`racer${index}`));
    const saved = await allSaved(tokens.map((token) => store.saveToken(token)));

    const ids = new Set(saved.map(idOf));
    if (ids.size !== PARALLEL) fail(`the saves answered ${ids.size} distinct ids, not ${PARALLEL}`);
    expectCount(await store.getTokens(), PARALLEL, `getTokens() after ${PARALLEL} parallel saves`);
  },
};

const sameUser: ConformanceCheck = {
  id: 'concurrency.same-user',
  title: `${PARALLEL} parallel saves of one user give one token`,
  expected:
    `${PARALLEL} saves of the same user started together all resolve and leave one token ` +
    'holding one of their values',
  hint:
    'look the user up and write in the same transaction or lock (or upsert on a unique ' +
    'user_name), so that racing saves update instead of inserting twice',
  async run({ store }) {
    const tokens = Array.from({ length: PARALLEL }, (_, index) =>
      kitToken('ada', { accessToken: `1000.access.ada.${index}`, expiresAt: EXPIRES_AT + index }),
    );
    await allSaved(tokens.map((token) => store.saveToken(token)));

    const [stored] = expectCount(await store.getTokens(), 1, `getTokens() after ${PARALLEL} saves`);
    const values = new Set(tokens.map((token) => token.accessToken));
    if (!values.has(stored?.accessToken ?? null)) {
      fail(
        `the stored access token ${describeValue(stored?.accessToken)} is none of the saved ones`,
      );
    }
  },
};

/** Saves racing each other in one process. */
export const CONCURRENCY_CHECKS: readonly ConformanceCheck[] = [distinctUsers, sameUser];

import type { TokenStore } from '../../store/token-store.js';
import type { ConformanceCheck } from '../check.js';
import { describeCall } from '../describe.js';
import { expectCount, expectNull, expectToken } from '../expect.js';
import { kitToken, requireId, saveInOrder, userOf } from '../fixtures.js';

async function expectGone(store: TokenStore, name: string, id: string, when: string) {
  const user = { userSignature: userOf(name) };
  expectNull(await store.findToken(user), `${describeCall('findToken', user)} ${when}`);
  expectNull(await store.findTokenById(id), `findTokenById("${id}") ${when}`);
}

const one: ConformanceCheck = {
  id: 'delete.one',
  title: 'deleteToken removes that token only',
  expected: 'after deleteToken(id) neither findTokenById nor findToken finds it; others remain',
  hint: 'delete the row whose id equals the argument, and only that row',
  async run({ store }) {
    const [ada, bob] = await saveInOrder(store, [kitToken('ada'), kitToken('bob')]);
    await store.deleteToken(requireId(ada));

    await expectGone(store, 'ada', requireId(ada), 'after deleting it');
    expectCount(await store.getTokens(), 1, 'getTokens() after deleting one of two');
    expectToken(await store.findTokenById(requireId(bob)), bob!, `findTokenById("${bob!.id}")`);
  },
};

const unknownId: ConformanceCheck = {
  id: 'delete.unknown-id',
  title: 'deleting an unknown id is not an error',
  expected: 'deleteToken of an id that is not stored (or no longer) resolves and changes nothing',
  hint: 'do not throw when the delete affected no row',
  async run({ store }) {
    const [ada] = await saveInOrder(store, [kitToken('ada'), kitToken('bob')]);
    // The same id twice: the second time it is no longer stored.
    for (const id of ['987654', requireId(ada), requireId(ada)]) await store.deleteToken(id);

    expectCount(await store.getTokens(), 1, 'getTokens() after deleting ada twice');
  },
};

const all: ConformanceCheck = {
  id: 'delete.all',
  title: 'deleteTokens removes every token',
  expected: 'after deleteTokens() the store is empty, and new tokens can be saved again',
  hint: 'delete every row (and commit); clear every index or cache the store keeps',
  async run({ store }) {
    const [ada] = await saveInOrder(store, [kitToken('ada'), kitToken('bob'), kitToken('cy')]);
    await store.deleteTokens();

    expectCount(await store.getTokens(), 0, 'getTokens() after deleteTokens()');
    await expectGone(store, 'ada', requireId(ada), 'after deleteTokens()');
    const [dee] = await saveInOrder(store, [kitToken('dee')]);
    expectToken(await store.findTokenById(requireId(dee)), dee!, 'findTokenById of a new token');
  },
};

const allPersists: ConformanceCheck = {
  id: 'delete.all-persists',
  title: 'deleteTokens is persisted',
  expected: 'after deleteTokens() a new store object on the same backing finds no tokens',
  hint: 'commit the delete (the official samples call commit on the wrong object, so it never is)',
  requires: 'reopen',
  async run(context) {
    const [ada] = await saveInOrder(context.store, [kitToken('ada'), kitToken('bob')]);
    await context.store.deleteTokens();

    const reopened = await context.reopen();
    expectCount(await reopened.getTokens(), 0, 'getTokens() on a reopened store');
    await expectGone(reopened, 'ada', requireId(ada), 'on a reopened store');
  },
};

/** Deleting one token and all. */
export const DELETE_CHECKS: readonly ConformanceCheck[] = [one, unknownId, all, allPersists];

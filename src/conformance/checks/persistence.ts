import type { ConformanceCheck } from '../check.js';
import { describeCall } from '../describe.js';
import { expectCount, expectNull, expectToken } from '../expect.js';
import { fail } from '../failure.js';
import { idOf, kitToken, requireId, saveInOrder, userOf } from '../fixtures.js';

const BACKING_HINT =
  'read from the backing on every call (or check it for changes); never serve from a copy ' +
  'that only this object updates';

const reopened: ConformanceCheck = {
  id: 'persist.reopen',
  title: 'saved tokens are persisted',
  expected: 'a new store object on the same backing finds every saved token, complete',
  hint: 'commit every write before saveToken resolves',
  requires: 'reopen',
  async run(context) {
    const adaWithGrant = kitToken('ada', { grantToken: '1000.grant.ada' });
    const [ada, bob] = await saveInOrder(context.store, [adaWithGrant, kitToken('bob')]);

    const second = await context.reopen();
    const user = { userSignature: userOf('ada') };
    expectToken(await second.findToken(user), ada!, `${describeCall('findToken', user)} reopened`);
    const id = requireId(bob);
    expectToken(await second.findTokenById(id), bob!, `findTokenById("${id}") reopened`);
    expectCount(await second.getTokens(), 2, 'getTokens() on the reopened store');
  },
};

const shared: ConformanceCheck = {
  id: 'persist.shared',
  title: 'two store objects on one backing see each other’s changes',
  expected:
    'an update, an insert and a delete made through one store object are seen through the ' +
    'other at once (two processes sharing a store)',
  hint: BACKING_HINT,
  requires: 'reopen',
  async run(context) {
    const first = context.store;
    const [ada] = await saveInOrder(first, [kitToken('ada')]);
    const second = await context.reopen();

    const newer = kitToken('ada', { accessToken: '1000.access.ada.2' });
    await second.saveToken(newer);
    const user = { userSignature: userOf('ada') };
    expectToken(
      await first.findToken(user),
      newer,
      `${describeCall('findToken', user)} on the first`,
    );

    const [bob] = await saveInOrder(first, [kitToken('bob')]);
    expectToken(
      await second.findTokenById(requireId(bob)),
      bob!,
      'findTokenById of bob on the second',
    );

    await first.deleteToken(requireId(ada));
    expectNull(
      await second.findToken(user),
      `${describeCall('findToken', user)} on the second after a delete`,
    );
  },
};

const ids: ConformanceCheck = {
  id: 'persist.ids',
  title: 'ids stay unique across store objects',
  expected:
    'tokens saved alternately through two store objects on one backing all get distinct ids',
  hint:
    'take the next id from the backing inside the write (a sequence or MAX under a lock), ' +
    'not from a counter in memory',
  requires: 'reopen',
  async run(context) {
    const first = context.store;
    const saved = await saveInOrder(first, [kitToken('ada'), kitToken('bob'), kitToken('cy')]);
    const second = await context.reopen();

    const more = [
      await second.saveToken(kitToken('dee')),
      await first.saveToken(kitToken('eve')),
      await second.saveToken(kitToken('fay')),
    ];
    const all = [...saved, ...more].map((token) => requireId({ id: idOf(token) }));
    const repeated = all.find((id, index) => all.indexOf(id) !== index);
    if (repeated !== undefined)
      fail(`ids answered: ${all.join(', ')}; "${repeated}" is not unique`);
    expectCount(await first.getTokens(), 6, 'getTokens() after six saves through two objects');
  },
};

/** What a second store object on the same backing sees. */
export const PERSISTENCE_CHECKS: readonly ConformanceCheck[] = [reopened, shared, ids];

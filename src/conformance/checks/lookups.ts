import type { ConformanceCheck } from '../check.js';
import { describeCall } from '../describe.js';
import { expectCount, expectNull, expectToken } from '../expect.js';
import { fail } from '../failure.js';
import { kitToken, requireId, saveInOrder, userOf } from '../fixtures.js';

const missesAreNull: ConformanceCheck = {
  id: 'miss.null',
  title: 'a miss is null',
  expected:
    'findToken and findTokenById resolve to null (not undefined, not an error) when nothing ' +
    'matches, on an empty store and on a full one',
  hint: 'return null when the lookup finds no row; throw only when the backend fails',
  async run({ store }) {
    const probes = async (when: string) => {
      const user = { userSignature: userOf('nobody') };
      expectNull(await store.findToken(user), `${describeCall('findToken', user)} ${when}`);
      const refresh = { refreshToken: '1000.refresh.nobody' };
      expectNull(await store.findToken(refresh), `${describeCall('findToken', refresh)} ${when}`);
      const access = { accessToken: '1000.access.nobody' };
      expectNull(await store.findToken(access), `${describeCall('findToken', access)} ${when}`);
      expectNull(await store.findTokenById('987654'), `findTokenById("987654") ${when}`);
    };

    await probes('on an empty store');
    await saveInOrder(store, [kitToken('ada'), kitToken('bob')]);
    await probes('with two tokens stored');
  },
};

const empty: ConformanceCheck = {
  id: 'get.empty',
  title: 'an empty store has no tokens',
  expected: 'getTokens() on an empty store resolves to an empty array',
  hint: 'return [] when there are no rows, never null or undefined',
  async run({ store }) {
    expectCount(await store.getTokens(), 0, 'getTokens() on a fresh store');
  },
};

const complete: ConformanceCheck = {
  id: 'get.complete',
  title: 'getTokens returns every token, complete',
  expected: 'getTokens() returns each stored token once, with all its values and its id',
  hint: 'read every row and every column; build each token the way findTokenById does',
  async run({ store }) {
    const saved = await saveInOrder(store, [
      kitToken('ada', { grantToken: '1000.grant.ada' }),
      kitToken('bob'),
      kitToken('cy', { apiDomain: 'https://www.zohoapis.in' }),
    ]);

    const all = expectCount(await store.getTokens(), 3, 'getTokens() after three saves');
    for (const token of saved) {
      const id = requireId(token);
      const found = all.filter((each) => String(each?.id) === id);
      if (found.length !== 1) fail(`getTokens() holds ${found.length} tokens with the id "${id}"`);

      expectToken(found[0], token, `getTokens() entry "${id}"`);
    }
  },
};

/** Lookups that find nothing, and listing. */
export const LOOKUP_CHECKS: readonly ConformanceCheck[] = [missesAreNull, empty, complete];

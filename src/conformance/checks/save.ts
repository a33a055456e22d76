import type { TokenStore } from '../../store/token-store.js';
import { OAuthToken, type TokenInit } from '../../token/oauth-token.js';
import type { ConformanceCheck } from '../check.js';
import { describeCall, describeValue } from '../describe.js';
import { expectCount, expectNull, expectToken } from '../expect.js';
import { fail } from '../failure.js';
import { EXPIRES_AT, idOf, kitToken, requireId, saveInOrder, userOf } from '../fixtures.js';

const UPSERT_HINT =
  'inside one transaction or lock: find the row by id, else by the matching rules; update ' +
  'it (planSave from zoho-tokens does the merge) or insert a new one';

async function expectUser(store: TokenStore, expected: OAuthToken): Promise<void> {
  const query = { userSignature: expected.userSignature };
  expectToken(await store.findToken(query), expected, describeCall('findToken', query));
}

const returnsStored: ConformanceCheck = {
  id: 'save.returns-stored',
  title: 'saveToken resolves to the stored token',
  expected:
    'saveToken resolves to the token as stored, with its new id; findTokenById(id) finds it',
  hint: 'resolve to the token you wrote (with the id you assigned), not to undefined',
  async run({ store }) {
    const ada = kitToken('ada');
    const saved = await store.saveToken(ada);
    expectToken(saved, ada, 'saveToken(ada)');

    const id = requireId({ id: idOf(saved) });
    expectToken(await store.findTokenById(id), ada.with({ id }), `findTokenById("${id}")`);
  },
};

const sameUser: ConformanceCheck = {
  id: 'save.same-user',
  title: 'the same user saved twice is one token with the newer values',
  expected: 'a second save of a user updates that user’s row: one token, same id, newer values',
  hint: UPSERT_HINT,
  async run({ store }) {
    const [first] = await saveInOrder(store, [kitToken('ada')]);
    const newer = kitToken('ada', { accessToken: '1000.access.ada.2', expiresAt: EXPIRES_AT + 1 });
    const second = await store.saveToken(newer);
    if (first!.id !== null && idOf(second) !== first!.id) {
      fail(`the second save answered id ${describeValue(idOf(second))}, the first ${first!.id}`);
    }

    expectCount(await store.getTokens(), 1, 'getTokens() after saving ada twice');
    await expectUser(store, newer);
  },
};

const keepsAbsentFields: ConformanceCheck = {
  id: 'save.keeps-absent-fields',
  title: 'an update keeps the values it does not carry',
  expected:
    'saving { user, accessToken, expiresAt } over a stored token keeps its refresh token, ' +
    'grant token, client, redirect URL and API domain',
  hint: 'merge: fill the incoming token’s absent fields from the stored row (token.fillFrom)',
  async run({ store }) {
    await saveInOrder(store, [kitToken('ada', { grantToken: '1000.grant.ada' })]);
    const changes = { accessToken: '1000.access.ada.2', expiresAt: EXPIRES_AT + 1 };
    await store.saveToken(new OAuthToken({ userSignature: userOf('ada'), ...changes }));

    await expectUser(store, kitToken('ada', { grantToken: '1000.grant.ada', ...changes }));
  },
};

const usersApart: ConformanceCheck = {
  id: 'save.users-apart',
  title: 'different users stay apart',
  expected: 'two users are two tokens, and updating one leaves the other as it was',
  hint: UPSERT_HINT,
  async run({ store }) {
    await saveInOrder(store, [kitToken('ada'), kitToken('bob')]);
    const newer = kitToken('ada', { accessToken: '1000.access.ada.2' });
    await store.saveToken(newer);

    expectCount(await store.getTokens(), 2, 'getTokens() after saving ada, bob, ada');
    await expectUser(store, newer);
    await expectUser(store, kitToken('bob'));
  },
};

const byId: ConformanceCheck = {
  id: 'save.by-id',
  title: 'a token carrying an id updates that row',
  expected:
    'saving a token with a stored id updates that row, even when its user name changed: still ' +
    'one token, the old name finds nothing',
  hint: 'when the token has an id, look the row up by id before applying the matching rules',
  async run({ store }) {
    const [ada] = await saveInOrder(store, [kitToken('ada')]);
    const id = requireId(ada);
    const renamed = kitToken('ada', { id, userSignature: userOf('ada.lovelace') });
    const saved = await store.saveToken(renamed);
    if (idOf(saved) !== id) fail(`saveToken answered id ${describeValue(idOf(saved))}, not ${id}`);

    expectCount(await store.getTokens(), 1, 'getTokens() after renaming ada by id');
    await expectUser(store, renamed);
    const old = { userSignature: userOf('ada') };
    expectNull(await store.findToken(old), describeCall('findToken', old));
  },
};

const byTokens: ConformanceCheck = {
  id: 'save.by-tokens',
  title: 'tokens without a user are upserted by their tokens',
  expected:
    'a second save with the same access token (no client), refresh token or grant token ' +
    'updates the first: three pairs of saves leave three tokens',
  hint: UPSERT_HINT,
  async run({ store }) {
    const client = { clientId: '1000.KITSOLO', clientSecret: 'secret-solo' };
    const pairs: [string, TokenInit, TokenInit][] = [
      [
        'access token',
        { accessToken: '1000.access.solo' },
        { accessToken: '1000.access.solo', expiresAt: EXPIRES_AT },
      ],
      [
        'refresh token',
        { ...client, refreshToken: '1000.refresh.solo', accessToken: '1000.access.r1' },
        { ...client, refreshToken: '1000.refresh.solo', accessToken: '1000.access.r2' },
      ],
      [
        'grant token',
        { ...client, grantToken: '1000.grant.solo', redirectUrl: 'https://app.example.com/cb' },
        { ...client, grantToken: '1000.grant.solo', refreshToken: '1000.refresh.g' },
      ],
    ];

    for (const [index, [key, first, second]] of pairs.entries()) {
      await store.saveToken(new OAuthToken(first));
      await store.saveToken(new OAuthToken(second));
      const call = `getTokens() after two saves with one ${key}`;
      expectCount(await store.getTokens(), index + 1, call);
    }
  },
};

/** Upserts: one row per user or token, merged values. */
export const SAVE_CHECKS: readonly ConformanceCheck[] = [
  returnsStored,
  sameUser,
  keepsAbsentFields,
  usersApart,
  byId,
  byTokens,
];

import type { TokenStore } from '../../store/token-store.js';
import { OAuthToken, type TokenInit } from '../../token/oauth-token.js';
import type { ConformanceCheck } from '../check.js';
import { describeCall } from '../describe.js';
import { expectCount, expectNull, expectToken } from '../expect.js';
import { kitToken, saveInOrder, userOf } from '../fixtures.js';

/** Looks `query` up as the manager and the official SDK do (a partial token): finds `expected`. */
async function expectFound(
  store: TokenStore,
  query: TokenInit,
  expected: OAuthToken | undefined,
): Promise<void> {
  const found = await store.findToken(new OAuthToken(query));
  expectToken(found, expected!, describeCall('findToken', query));
}

/** Looks `query` up as a partial token: finds nothing. */
async function expectNone(store: TokenStore, query: TokenInit): Promise<void> {
  expectNull(await store.findToken(new OAuthToken(query)), describeCall('findToken', query));
}

const RULES_HINT =
  'pick the key with matchKeyOf(query) from zoho-tokens, or follow DESIGN.md: user, else ' +
  'access token without client credentials, else grant then refresh token, else nothing';

const user: ConformanceCheck = {
  id: 'match.user',
  title: 'a user signature matches that user name exactly',
  expected:
    'findToken with a user signature returns that user’s token; a prefix of the name or a ' +
    'LIKE pattern finds nothing',
  hint: 'compare the whole user name with equality, never LIKE, a prefix or a substring',
  async run({ store }) {
    const [ada] = await saveInOrder(store, [kitToken('ada'), kitToken('adam')]);
    await expectFound(store, { userSignature: userOf('ada') }, ada);

    for (const near of ['ada', 'ada@example.co', '%@example.com', 'ada@example.com%']) {
      await expectNone(store, { userSignature: near });
    }
  },
};

const userCase: ConformanceCheck = {
  id: 'match.user-case',
  title: 'user names differing in case or spaces are different users',
  expected:
    'a user name in another case, or with a space added, finds nothing; saving it makes a ' +
    'second token',
  hint:
    'compare user names byte for byte (in MySQL a binary collation: the default one ignores ' +
    'case and trailing spaces)',
  async run({ store }) {
    const [ada] = await saveInOrder(store, [kitToken('ada')]);
    for (const near of [
      'ADA@example.com',
      'Ada@Example.com',
      'ada@example.com ',
      ' ada@example.com',
    ]) {
      await expectNone(store, { userSignature: near });
    }

    const upper = kitToken('ada', { userSignature: 'ADA@example.com', accessToken: 'upper' });
    await store.saveToken(upper);
    expectCount(await store.getTokens(), 2, 'getTokens() after saving ADA@example.com');
    await expectFound(store, { userSignature: userOf('ada') }, ada);
  },
};

const userOnly: ConformanceCheck = {
  id: 'match.user-only',
  title: 'a user signature beats every token value',
  expected:
    'with a user signature only the user name is compared: other users’ tokens in the query ' +
    'are ignored, and an unknown user finds nothing',
  hint: RULES_HINT,
  async run({ store }) {
    const [bob, ada] = await saveInOrder(store, [kitToken('bob'), kitToken('ada')]);
    const bobsTokens = { refreshToken: bob!.refreshToken, accessToken: bob!.accessToken };
    await expectFound(store, { userSignature: userOf('ada'), ...bobsTokens }, ada);

    const adasTokens = { refreshToken: ada!.refreshToken, accessToken: ada!.accessToken };
    await expectNone(store, { userSignature: userOf('carol'), ...adasTokens });
  },
};

const accessToken: ConformanceCheck = {
  id: 'match.access-token',
  title: 'an access token matches when there are no client credentials',
  expected:
    'without a user or client credentials, findToken matches the access token, even when a ' +
    'refresh token of another user comes with it',
  hint: RULES_HINT,
  async run({ store }) {
    const [bob, ada] = await saveInOrder(store, [kitToken('bob'), kitToken('ada')]);
    await expectFound(store, { accessToken: ada!.accessToken }, ada);

    const mixed = { accessToken: ada!.accessToken, refreshToken: bob!.refreshToken };
    await expectFound(store, mixed, ada);
  },
};

const accessTokenWithClient: ConformanceCheck = {
  id: 'match.access-token-with-client',
  title: 'with client credentials the access token is not the key',
  expected:
    'a query with an access token and a client id or secret is matched by its grant or ' +
    'refresh token instead',
  hint: RULES_HINT,
  async run({ store }) {
    const [bob, ada] = await saveInOrder(store, [kitToken('bob'), kitToken('ada')]);
    const adaAccess = { accessToken: ada!.accessToken, refreshToken: bob!.refreshToken };
    const withClient = { ...adaAccess, clientId: ada!.clientId, clientSecret: ada!.clientSecret };
    await expectFound(store, withClient, bob);
    await expectFound(store, { ...adaAccess, clientId: ada!.clientId }, bob);
  },
};

const grantThenRefresh: ConformanceCheck = {
  id: 'match.grant-then-refresh',
  title: 'a grant token beats a refresh token',
  expected:
    'with a grant and a refresh token, the row with that grant token wins even if another row ' +
    'has the refresh token; an unknown grant token falls back to the refresh token',
  hint: 'look the grant token up first, and only when nothing has it, the refresh token',
  async run({ store }) {
    const adaWithGrant = kitToken('ada', { grantToken: '1000.grant.ada' });
    const [bob, ada] = await saveInOrder(store, [kitToken('bob'), adaWithGrant]);
    const client = { clientId: ada!.clientId, clientSecret: ada!.clientSecret };

    const both = { ...client, grantToken: ada!.grantToken, refreshToken: bob!.refreshToken };
    await expectFound(store, both, ada);
    const unknownGrant = {
      ...client,
      grantToken: '1000.grant.none',
      refreshToken: bob!.refreshToken,
    };
    await expectFound(store, unknownGrant, bob);
    await expectFound(store, { ...client, refreshToken: ada!.refreshToken }, ada);
  },
};

const grantWithoutClient: ConformanceCheck = {
  id: 'match.grant-without-client',
  title: 'a grant or refresh token alone is a key',
  expected: 'findToken with only a grant token, or only a refresh token, finds that token',
  hint:
    'group the rule as (grant || refresh), not refresh || grant && clientId && secret (the ' +
    'official samples’ precedence slip)',
  async run({ store }) {
    const adaWithGrant = kitToken('ada', { grantToken: '1000.grant.ada' });
    const [bob, ada] = await saveInOrder(store, [kitToken('bob'), adaWithGrant]);
    await expectFound(store, { grantToken: ada!.grantToken }, ada);
    await expectFound(store, { refreshToken: bob!.refreshToken }, bob);
  },
};

const noKey: ConformanceCheck = {
  id: 'match.no-key',
  title: 'a query without a key matches nothing',
  expected:
    'findToken with no user, no usable access token and no grant or refresh token returns ' +
    'null, never an arbitrary (first) row',
  hint: 'when no rule applies return null before querying; never run the lookup without a WHERE',
  async run({ store }) {
    const [, ada] = await saveInOrder(store, [kitToken('bob'), kitToken('ada')]);
    const client = { clientId: ada!.clientId, clientSecret: ada!.clientSecret };
    const keyless: TokenInit[] = [
      {},
      client,
      { ...client, accessToken: ada!.accessToken },
      { apiDomain: ada!.apiDomain, redirectUrl: ada!.redirectUrl, expiresAt: ada!.expiresAt },
    ];
    for (const query of keyless) await expectNone(store, query);

    expectNull(await store.findToken({}), 'findToken({}) with a plain object');
    expectNull(await store.findToken({ userSignature: '' }), 'findToken({ userSignature: "" })');
  },
};

const plainQuery: ConformanceCheck = {
  id: 'match.plain-query',
  title: 'a plain object query works like a token',
  expected:
    'findToken({ userSignature }), findToken({ accessToken }) and findToken({ refreshToken }) ' +
    'with the other fields undefined match like tokens do',
  hint: 'treat undefined like null: test for presence with `value != null && value !== ""`',
  async run({ store }) {
    const [bob, ada] = await saveInOrder(store, [kitToken('bob'), kitToken('ada')]);
    const probes: [object, typeof ada][] = [
      [{ userSignature: userOf('ada') }, ada],
      [{ accessToken: bob!.accessToken }, bob],
      [{ refreshToken: ada!.refreshToken }, ada],
    ];
    for (const [query, expected] of probes) {
      const call = `${describeCall('findToken', query as Record<string, unknown>)} (plain object)`;
      expectToken(await store.findToken(query), expected!, call);
    }
  },
};

/** The matching rules of DESIGN.md, each in its own check. */
export const MATCHING_CHECKS: readonly ConformanceCheck[] = [
  user,
  userCase,
  userOnly,
  accessToken,
  accessTokenWithClient,
  grantThenRefresh,
  grantWithoutClient,
  noKey,
  plainQuery,
];

import type { TokenStore } from '../../store/token-store.js';
import type { OAuthToken } from '../../token/oauth-token.js';
import type { ConformanceCheck } from '../check.js';
import { describeCall, describeValue } from '../describe.js';
import { expectCount, expectNull, expectToken } from '../expect.js';
import { fail } from '../failure.js';
import {
  INJECTION_USER,
  kitToken,
  requireId,
  saveInOrder,
  specialToken,
  userOf,
} from '../fixtures.js';

/** Finds `token` by its user and by its id, and fails unless every value came back exactly. */
async function expectRoundTrip(store: TokenStore, token: OAuthToken): Promise<void> {
  const user = { userSignature: token.userSignature };
  expectToken(await store.findToken(user), token, describeCall('findToken', user));
  const id = requireId(token);
  expectToken(await store.findTokenById(id), token, `findTokenById("${id}")`);
}

const specialCharacters: ConformanceCheck = {
  id: 'values.special-characters',
  title: 'quotes, commas, newlines and non-ASCII text round-trip',
  expected:
    'values with quotes, commas, tabs, backslashes, CR/LF and non-ASCII text (including ' +
    'emoji) come back exactly, and a lookup by such a value finds its token',
  hint:
    'bind values as parameters (never build SQL or CSV lines from strings); store UTF-8 in ' +
    'full (utf8mb4 in MySQL)',
  async run({ store }) {
    const [, special] = await saveInOrder(store, [kitToken('ada'), specialToken()]);
    await expectRoundTrip(store, special!);

    const refresh = { refreshToken: special!.refreshToken };
    expectToken(await store.findToken(refresh), special!, describeCall('findToken', refresh));
    const listed = (await store.getTokens()).find((token) => String(token?.id) === special!.id);
    expectToken(listed, special!, `getTokens() entry "${special!.id}"`);
  },
};

/** A value of exactly 4096 characters that starts with `tag`. */
function fourKilobytes(tag: string): string {
  return `${tag}.`.padEnd(4096, '0123456789abcdef');
}

const longValues: ConformanceCheck = {
  id: 'values.long',
  title: '4 KB values round-trip',
  expected: 'an access token and a refresh token of 4096 characters each come back exactly',
  hint:
    'use text columns (an encrypting wrapper makes values longer than the official ' +
    'varchar(255)); never truncate',
  async run({ store }) {
    const long = kitToken('ada', {
      accessToken: fourKilobytes('1000.access'),
      refreshToken: fourKilobytes('1000.refresh'),
    });
    const [saved] = await saveInOrder(store, [long]);
    await expectRoundTrip(store, saved!);
  },
};

const injection: ConformanceCheck = {
  id: 'values.injection',
  title: 'a user named like an SQL injection is just a name',
  expected:
    `a user named ${INJECTION_USER} is stored and found as that name; similar names find ` +
    'nothing and the other users are untouched',
  hint: 'bind every value as a query parameter; never put a value into the SQL text',
  async run({ store }) {
    const mallory = kitToken('mallory', { userSignature: INJECTION_USER });
    const [, saved] = await saveInOrder(store, [kitToken('bob'), mallory]);
    await expectRoundTrip(store, saved!);

    for (const name of ["nobody' OR '1'='1", `${userOf('bob')}'--`, `${userOf('bob')}' --`]) {
      const query = { userSignature: name };
      expectNull(await store.findToken(query), describeCall('findToken', query));
    }
    expectCount(await store.getTokens(), 2, 'getTokens() after saving bob and mallory');
    const bob = { userSignature: userOf('bob') };
    expectToken(await store.findToken(bob), kitToken('bob'), describeCall('findToken', bob));
  },
};

const expiry: ConformanceCheck = {
  id: 'values.expiry',
  title: 'the expiry round-trips as epoch milliseconds',
  expected:
    'expiresAt comes back as the same number of milliseconds (not text, not rounded to ' +
    'seconds); an unknown expiry stays absent',
  hint: 'store the official decimal text of epoch ms and read it back with parseExpiry',
  async run({ store }) {
    const tokens = [
      kitToken('ada'),
      kitToken('bob', { expiresAt: 4_102_444_800_999 }),
      kitToken('cy', { expiresAt: null }),
    ];
    const saved = await saveInOrder(store, tokens);

    for (const token of saved) {
      const id = requireId(token);
      const found = await store.findTokenById(id);
      const value = (found as { expiresAt?: unknown } | null)?.expiresAt ?? null;
      if (value === token.expiresAt) continue;

      fail(
        `findTokenById("${id}") gave expiresAt ${describeValue(value)} (${typeof value}); ` +
          `expected ${describeValue(token.expiresAt)}`,
      );
    }
  },
};

/** Values that break naive storage. */
export const VALUE_CHECKS: readonly ConformanceCheck[] = [
  specialCharacters,
  longValues,
  injection,
  expiry,
];

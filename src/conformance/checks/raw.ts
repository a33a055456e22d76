import type { TokenStore } from '../../store/token-store.js';
import type { CheckContext, ConformanceCheck } from '../check.js';
import { describeValue } from '../describe.js';
import { fail } from '../failure.js';
import {
  EXPIRES_AT,
  INJECTION_USER,
  kitToken,
  requireId,
  saveInOrder,
  specialToken,
} from '../fixtures.js';
import type { RawRow } from '../types.js';

/** Token fields and the official columns that hold them. */
const COLUMNS = {
  userSignature: 'user_name',
  clientId: 'client_id',
  clientSecret: 'client_secret',
  refreshToken: 'refresh_token',
  accessToken: 'access_token',
  grantToken: 'grant_token',
  redirectUrl: 'redirect_url',
  apiDomain: 'api_domain',
} as const;

async function rawRows(context: CheckContext, when: string): Promise<RawRow[]> {
  const rows = await context.rawRead();
  if (!Array.isArray(rows)) fail(`options.rawRead ${when} gave ${describeValue(rows)}, not rows`);

  return rows;
}

function rowsOfUser(rows: RawRow[], user: string | null): RawRow[] {
  return rows.filter((row) => row.user_name === user);
}

const exactValues: ConformanceCheck = {
  id: 'raw.exact-values',
  title: 'the backing holds exactly the values saved',
  expected:
    'the raw row of a user named with quotes, newlines and non-ASCII text holds that exact name ' +
    'and values, its id, and the expiry as decimal epoch milliseconds',
  hint: 'bind values as parameters and write the expiry with formatExpiry (the official form)',
  requires: 'rawRead',
  async run(context) {
    const tokens = [specialToken(), kitToken('mallory', { userSignature: INJECTION_USER })];
    const saved = await saveInOrder(context.store, tokens);
    const rows = await rawRows(context, 'after two saves');

    for (const token of saved) {
      const found = rowsOfUser(rows, token.userSignature);
      const user = describeValue(token.userSignature);
      if (found.length !== 1) fail(`the backing holds ${found.length} rows with user_name ${user}`);

      expectRawValues(found[0]!, requireId(token), { ...token.toFields() });
    }
  },
};

function expectRawValues(row: RawRow, id: string, token: Record<string, unknown>): void {
  if (String(row.id) !== id) fail(`the raw row has id ${describeValue(row.id)}, not "${id}"`);
  for (const [field, column] of Object.entries(COLUMNS)) {
    if ((row[column] ?? null) === token[field]) continue;

    fail(
      `the raw ${column} is ${describeValue(row[column])}; saved ${describeValue(token[field])}`,
    );
  }
  if (String(row.expiry_time) !== String(EXPIRES_AT)) {
    fail(`the raw expiry_time is ${describeValue(row.expiry_time)}, not "${EXPIRES_AT}"`);
  }
}

const oneRowPerUser: ConformanceCheck = {
  id: 'raw.one-row-per-user',
  title: 'the backing holds one row per user',
  expected: 'after saving two users twice each, the backing holds two rows, with the newer values',
  hint: 'update the matching row in place; never insert a second row for a user',
  requires: 'rawRead',
  async run(context) {
    const store: TokenStore = context.store;
    const newer = (name: string) => kitToken(name, { accessToken: `1000.access.${name}.2` });
    await saveInOrder(store, [kitToken('ada'), kitToken('bob'), newer('ada'), newer('bob')]);

    const rows = await rawRows(context, 'after four saves');
    if (rows.length !== 2) fail(`the backing holds ${rows.length} rows, not 2`);
    for (const name of ['ada', 'bob']) {
      const token = newer(name);
      const [row] = rowsOfUser(rows, token.userSignature);
      if (row?.access_token !== token.accessToken) {
        fail(`the raw access_token of ${name} is ${describeValue(row?.access_token)}`);
      }
    }
  },
};

const deleted: ConformanceCheck = {
  id: 'raw.deleted',
  title: 'deletes reach the backing',
  expected:
    'after deleteToken(id) the backing no longer holds that row; ' +
    'after deleteTokens() it holds none',
  hint: 'run the delete on the backing and commit it; do not only drop it from a cache',
  requires: 'rawRead',
  async run(context) {
    const saved = await saveInOrder(context.store, [
      kitToken('ada'),
      kitToken('bob'),
      kitToken('cy'),
    ]);
    const id = requireId(saved[0]);
    await context.store.deleteToken(id);

    const left = await rawRows(context, 'after deleteToken');
    const ids = left.map((row) => String(row.id));
    if (left.length !== 2 || ids.includes(id)) {
      fail(`after deleteToken("${id}") the backing holds the ids ${ids.join(', ') || 'none'}`);
    }

    await context.store.deleteTokens();
    const rows = await rawRows(context, 'after deleteTokens');
    if (rows.length > 0) fail(`after deleteTokens() the backing still holds ${rows.length} rows`);
  },
};

/** What really landed in the backing, for stores that offer a raw read. */
export const RAW_CHECKS: readonly ConformanceCheck[] = [exactValues, oneRowPerUser, deleted];

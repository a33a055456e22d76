import type mysql from 'mysql2/promise';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { isZohoTokensError } from '../../../src/errors.js';
import { MysqlStore } from '../../../src/store/mysql/mysql-store.js';
import { openStore } from '../../../src/store/open-store.js';
import { OAuthToken } from '../../../src/token/oauth-token.js';
import { describeWithService } from '../../support/services.js';
import { mysqlAdmin, mysqlUrl, uniqueName, userToken } from '../sql/sql-helpers.js';

const describe = await describeWithService('mysql');
const DATABASE = uniqueName('mysql_store');

describe('MysqlStore on its own table', () => {
  let store: MysqlStore;
  let table = 'oauthtoken';
  let tables = 0;

  // Every test gets an empty table of its own, in a database the store itself creates.
  async function freshStore(query: Record<string, number> = {}): Promise<MysqlStore> {
    table = `tokens_${++tables}`;
    return MysqlStore.fromUrl(mysqlUrl(DATABASE, table, query));
  }

  beforeAll(async () => {
    const admin = await mysqlAdmin();
    await admin.query(`DROP DATABASE IF EXISTS ${DATABASE}`);
    await admin.end();
  });

  afterAll(async () => {
    await store?.close();
    const admin = await mysqlAdmin();
    await admin.query(`DROP DATABASE IF EXISTS ${DATABASE}`);
    await admin.end();
  });

  it('creates the database and a table with the ten official columns in order, then ours', async () => {
    store = await freshStore();
    expect(await store.getTokens()).toEqual([]);

    const admin = await mysqlAdmin(DATABASE);
    const [columns] = await admin.query<mysql.RowDataPacket[]>(
      `SELECT COLUMN_NAME AS name FROM information_schema.COLUMNS
       WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION`,
      [DATABASE, table],
    );
    const [indexes] = await admin.query<mysql.RowDataPacket[]>(
      `SELECT DISTINCT COLUMN_NAME AS name FROM information_schema.STATISTICS
       WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?`,
      [DATABASE, table],
    );
    await admin.end();

    expect(columns.map((row) => row.name)).toEqual([
      'id',
      'user_name',
      'client_id',
      'client_secret',
      'refresh_token',
      'access_token',
      'grant_token',
      'expiry_time',
      'redirect_url',
      'api_domain',
      'version',
      'state',
    ]);
    expect(indexes.map((row) => row.name).sort()).toEqual(
      ['access_token', 'grant_token', 'id', 'refresh_token', 'user_name'].sort(),
    );
    await store.close();
  });

  it('gives the 1st to 25th saves the ids 1 to 25 (no string MAX)', async () => {
    store = await freshStore();
    const ids: string[] = [];
    for (let i = 1; i <= 25; i++) ids.push((await store.saveToken(userToken(`user-${i}`))).id!);

    expect(ids).toEqual(Array.from({ length: 25 }, (_, i) => String(i + 1)));
    expect((await store.findTokenById('11'))?.userSignature).toBe('user-11');
    expect((await store.getTokens()).map((token) => token.id)).toEqual(ids);
    await store.close();
  });

  it('finds by the matching rules, exactly, and never returns an arbitrary row', async () => {
    store = await freshStore();
    await store.saveToken(userToken('Ada@example.com:1'));
    const grantOnly = await store.saveToken(
      new OAuthToken({ clientId: 'c', clientSecret: 's', grantToken: 'grant-1' }),
    );

    expect((await store.findToken({ userSignature: 'Ada@example.com:1' }))?.id).toBe('1');
    expect(await store.findToken({ userSignature: 'ada@example.com:1' })).toBeNull();
    expect(await store.findToken({ userSignature: 'Ada@example.com:1 ' })).toBeNull();
    expect((await store.findToken({ accessToken: 'at-Ada@example.com:1' }))?.id).toBe('1');
    expect(
      await store.findToken({ accessToken: 'at-Ada@example.com:1', clientId: '1000.CLIENT' }),
    ).toBeNull();
    expect((await store.findToken({ refreshToken: 'rt-Ada@example.com:1' }))?.id).toBe('1');
    expect(
      (await store.findToken({ grantToken: 'grant-1', refreshToken: 'rt-Ada@example.com:1' }))?.id,
    ).toBe(grantOnly.id);
    expect(await store.findToken({ clientId: 'c', clientSecret: 's' })).toBeNull();
    expect(await store.findToken({})).toBeNull();
    await store.close();
  });

  it('keeps hostile and unusual values intact, bound rather than spliced into SQL', async () => {
    store = await freshStore();
    const odd = [
      "x' OR '1'='1",
      'comma, separated, "quoted"',
      "it's a 'quote'\\ and a backslash",
      'line one\nline two\r\nline three',
      'Zoë Ünïcödé 東京 🚀',
      "'); DROP TABLE oauthtoken; --",
    ];
    await store.saveToken(userToken('bystander'));
    for (const name of odd) {
      await store.saveToken(userToken(name, { clientSecret: name, accessToken: `at ${name}` }));
    }

    for (const name of odd) {
      const found = await store.findToken({ userSignature: name });
      expect(found?.userSignature).toBe(name);
      expect(found?.clientSecret).toBe(name);
      expect((await store.findToken({ accessToken: `at ${name}` }))?.id).toBe(found?.id);
    }
    expect(await store.getTokens()).toHaveLength(odd.length + 1);
    expect(await store.findToken({ userSignature: "' OR '1'='1" })).toBeNull();
    await store.close();
  });

  it('round-trips a 4 KB value and finds the token by it', async () => {
    store = await freshStore();
    const long = `1000.${'r'.repeat(4096)}`;
    const saved = await store.saveToken(
      userToken('long', { refreshToken: long, accessToken: long }),
    );

    expect((await store.findTokenById(saved.id!))?.refreshToken).toBe(long);
    expect((await store.findToken({ refreshToken: long }))?.userSignature).toBe('long');
    await store.close();
  });

  it('updates the matching row, keeping the values the new token leaves out', async () => {
    store = await freshStore();
    const first = await store.saveToken(userToken('keeper'));
    const updated = await store.saveToken(
      new OAuthToken({ userSignature: 'keeper', accessToken: 'at-new', expiresAt: 42 }),
    );

    expect(updated.id).toBe(first.id);
    const stored = await store.findTokenById(first.id!);
    expect(stored?.accessToken).toBe('at-new');
    expect(stored?.expiresAt).toBe(42);
    expect(stored?.refreshToken).toBe('rt-keeper');
    expect(stored?.apiDomain).toBe('https://www.zohoapis.eu');
    expect(stored?.version).toBe(2);
    expect(await store.getTokens()).toHaveLength(1);
    await store.close();
  });

  it('answers 1000 concurrent lookups on one store object', async () => {
    store = await freshStore();
    for (let i = 0; i < 20; i++) await store.saveToken(userToken(`reader-${i}`));

    const found = await Promise.all(
      Array.from({ length: 1000 }, (_, i) =>
        store.findToken({ userSignature: `reader-${i % 20}` }),
      ),
    );
    expect(found.map((token) => token?.userSignature)).toEqual(
      Array.from({ length: 1000 }, (_, i) => `reader-${i % 20}`),
    );
    await store.close();
  });

  it('keeps one row when one user is saved 50 times at once', async () => {
    store = await freshStore();
    const saved = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        store.saveToken(userToken('busy', { accessToken: `at-${i}` })),
      ),
    );

    const rows = await store.getTokens();
    expect(rows).toHaveLength(1);
    expect(new Set(saved.map((token) => token.id))).toEqual(new Set([rows[0]!.id]));
    expect(new Set(saved.map((token) => token.version)).size).toBe(50);
    expect(rows[0]!.version).toBe(50);
    await store.close();
  });

  it('refuses a save carrying an older version and leaves the stored token alone', async () => {
    store = await freshStore();
    const first = await store.saveToken(userToken('versioned'));
    const second = await store.saveToken(first.with({ accessToken: 'at-second' }));

    const stale = first.with({ accessToken: 'at-stale' });
    const failure = await store.saveToken(stale).catch((error: unknown) => error);
    expect(isZohoTokensError(failure, 'ERR_STORE_CONFLICT')).toBe(true);

    const stored = await store.findTokenById(first.id!);
    expect(stored?.accessToken).toBe('at-second');
    expect(stored?.version).toBe(second.version);
    await store.close();
  });

  it('deletes one token, ignores unknown ids, and deletes all', async () => {
    store = await freshStore();
    const a = await store.saveToken(userToken('a'));
    await store.saveToken(userToken('b'));

    await store.deleteToken(a.id!);
    await store.deleteToken('9999');
    expect((await store.getTokens()).map((token) => token.userSignature)).toEqual(['b']);
    await store.deleteTokens();
    expect(await store.getTokens()).toEqual([]);
    expect((await store.saveToken(userToken('c'))).id).toBe('1');
    await store.close();
  });

  it('opens through openStore with a mysql:// url', async () => {
    const opened = await openStore(mysqlUrl(DATABASE, 'opened'));
    const saved = await opened.saveToken(userToken('via-url'));

    expect(opened).toBeInstanceOf(MysqlStore);
    expect((await opened.findTokenById(saved.id!))?.userSignature).toBe('via-url');
    await opened.close?.();
  });

  it('rejects a table name that is not a plain identifier, and unknown url options', async () => {
    expect(() => new MysqlStore({ table: 'tokens; DROP TABLE x' })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }),
    );
    await expect(openStore('mysql://root:hunter2@127.0.0.1/db?tabel=x')).rejects.toMatchObject({
      code: 'ERR_STORE_URL',
      message: expect.not.stringContaining('hunter2'),
    });
  });
});

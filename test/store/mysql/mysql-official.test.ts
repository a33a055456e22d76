import { readFileSync } from 'node:fs';
import sdk from '@zohocrm/typescript-sdk-8.0';
import type mysql from 'mysql2/promise';
import { afterAll, beforeEach, expect, it } from 'vitest';
import { isZohoTokensError } from '../../../src/errors.js';
import { OFFICIAL_COLUMNS, rowValues } from '../../../src/store/columns.js';
import { MysqlStore } from '../../../src/store/mysql/mysql-store.js';
import { OAuthToken } from '../../../src/token/oauth-token.js';
import { fixturePath } from '../../support/fixtures.js';
import { describeWithService } from '../../support/services.js';
import { mysqlAdmin, mysqlUrl, uniqueName, userToken } from '../sql/sql-helpers.js';

const describe = await describeWithService('mysql');
const DATABASE = uniqueName('mysql_official');
// The mariadb-dump of an official DBStore table, shared with the other interop suites.
const FIXTURE = fixturePath('typescript-sdk-dbstore-mysql.sql');

/** The official DBStore, built the way the SDK's users build it. */
function officialStore() {
  const url = new URL(mysqlUrl(DATABASE, 'oauthtoken'));
  return new sdk.DBBuilder()
    .host(url.hostname)
    .databaseName(DATABASE)
    .tableName('oauthtoken')
    .userName(decodeURIComponent(url.username) || 'root')
    .password(decodeURIComponent(url.password))
    .portNumber(Number(url.port || 3306))
    .build();
}

function officialToken(fill: (token: sdk.OAuthToken) => void): sdk.OAuthToken {
  const token = Reflect.construct(sdk.OAuthToken, []) as sdk.OAuthToken;
  fill(token);
  return token;
}

async function rawRows(): Promise<mysql.RowDataPacket[]> {
  const admin = await mysqlAdmin(DATABASE);
  const [rows] = await admin.query<mysql.RowDataPacket[]>(
    'SELECT * FROM oauthtoken ORDER BY CAST(id AS UNSIGNED)',
  );
  await admin.end();
  return rows;
}

describe('MysqlStore on the official DBStore table', () => {
  let store: MysqlStore;

  // A scratch database holding exactly what the mariadb-dump of the official table holds.
  beforeEach(async () => {
    await store?.close();
    const admin = await mysqlAdmin();
    await admin.query(`DROP DATABASE IF EXISTS ${DATABASE}; CREATE DATABASE ${DATABASE}`);
    await admin.query(`USE ${DATABASE}`);
    await admin.query(readFileSync(FIXTURE, 'utf8'));
    await admin.end();
    store = MysqlStore.fromUrl(mysqlUrl(DATABASE, 'oauthtoken'));
  });

  afterAll(async () => {
    await store?.close();
    const admin = await mysqlAdmin();
    await admin.query(`DROP DATABASE IF EXISTS ${DATABASE}`);
    await admin.end();
  });

  it('reads each row of the dump with its ten values exactly', async () => {
    const before = await rawRows();
    const tokens = await store.getTokens();

    expect(before).toHaveLength(3);
    expect(tokens.map((token) => token.id)).toEqual(['1', '2', '3']);
    // Written back in the official form, each token gives the row's ten texts unchanged.
    for (const [i, row] of before.entries()) {
      const official = OFFICIAL_COLUMNS.map((column) => row[column]);
      expect(rowValues(tokens[i]!).slice(0, 10)).toEqual(official);
    }
    expect(tokens[2]!.userSignature).toBeNull();
    expect(tokens[1]!.expiresAt).toBe(1_796_305_850_341);
    expect(tokens[1]!.apiDomain).toBe('https://www.zohoapis.com.au');
    expect((await store.findToken({ userSignature: 'dave@zylker.example:700000002' }))?.id).toBe(
      '2',
    );
  });

  it('keeps the official columns as they are and adds version, state and indexes after them', async () => {
    await store.getTokens();
    const second = MysqlStore.fromUrl(mysqlUrl(DATABASE, 'oauthtoken'));
    await second.getTokens();
    await second.close();

    const admin = await mysqlAdmin(DATABASE);
    const [columns] = await admin.query<mysql.RowDataPacket[]>(
      `SELECT COLUMN_NAME AS name, COLUMN_TYPE AS type FROM information_schema.COLUMNS
       WHERE TABLE_SCHEMA = ? AND TABLE_NAME = 'oauthtoken' ORDER BY ORDINAL_POSITION`,
      [DATABASE],
    );
    const [indexes] = await admin.query<mysql.RowDataPacket[]>(
      `SELECT INDEX_NAME AS name, COLUMN_NAME AS column_name FROM information_schema.STATISTICS
       WHERE TABLE_SCHEMA = ? AND TABLE_NAME = 'oauthtoken'`,
      [DATABASE],
    );
    await admin.end();

    expect(columns.map((row) => row.name)).toEqual([...OFFICIAL_COLUMNS, 'version', 'state']);
    expect(columns[0]!.type).toBe('varchar(10)');
    expect(columns.slice(1, 7).map((row) => row.type)).toEqual(Array(6).fill('varchar(255)'));
    expect(indexes.map((row) => row.column_name).sort()).toEqual(
      ['access_token', 'grant_token', 'id', 'refresh_token', 'user_name'].sort(),
    );
  });

  it('compares exactly, though the official collation ignores case', async () => {
    expect(await store.findToken({ userSignature: 'CAROL@zylker.example:700000002' })).toBeNull();
    expect((await store.findToken({ userSignature: 'carol@zylker.example:700000002' }))?.id).toBe(
      '1',
    );
  });

  it('saves tokens the official SDK then finds by user and by id', async () => {
    const saved = await store.saveToken(userToken("o'brien@zylker.example:700000002"));
    const official = officialStore();

    const byUser = (await official.findToken(
      officialToken((token) =>
        token.setUserSignature(new sdk.UserSignature("o'brien@zylker.example:700000002")),
      ),
    )) as sdk.OAuthToken | null;
    const byId = (await official.findTokenById(saved.id!)) as sdk.OAuthToken | null;

    expect(saved.id).toBe('4');
    for (const found of [byUser, byId]) {
      expect(found?.getId()).toBe('4');
      expect(found?.getRefreshToken()).toBe(saved.refreshToken);
      expect(found?.getAccessToken()).toBe(saved.accessToken);
      expect(found?.getClientSecret()).toBe(saved.clientSecret);
      expect(found?.getExpiresIn()).toBe(String(saved.expiresAt));
      expect(found?.getAPIDomain()).toBe(saved.apiDomain);
    }
  });

  it('finds what the official SDK saved, by user and by id', async () => {
    await store.getTokens(); // our columns exist before the SDK writes
    const official = officialStore();
    await official.saveToken(
      officialToken((token) => {
        token.setUserSignature(new sdk.UserSignature('erin@zylker.example:700000002'));
        token.setClientId('1000.CLIENTEEE');
        token.setClientSecret('secret-erin');
        token.setRefreshToken('1000.rt-erin');
        token.setAccessToken('1000.at-erin');
        token.setExpiresIn('1796305899999');
        token.setAPIDomain('https://www.zohoapis.in');
      }),
    );

    const byUser = await store.findToken({ userSignature: 'erin@zylker.example:700000002' });
    expect(byUser?.id).toBe('4');
    expect(byUser?.refreshToken).toBe('1000.rt-erin');
    expect(byUser?.expiresAt).toBe(1_796_305_899_999);
    expect(byUser?.apiDomain).toBe('https://www.zohoapis.in');
    expect((await store.findTokenById('4'))?.accessToken).toBe('1000.at-erin');

    const updated = await store.saveToken(byUser!.with({ accessToken: '1000.at-erin-2' }));
    expect(updated.id).toBe('4');
    expect(
      (await store.getTokens()).filter((token) => token.userSignature?.startsWith('erin')),
    ).toHaveLength(1);
  });

  it('gives the 11th to 25th rows of the varchar(10) table the ids 11 to 25', async () => {
    const ids: string[] = [];
    for (let i = 4; i <= 25; i++) ids.push((await store.saveToken(userToken(`row-${i}`))).id!);

    expect(ids).toEqual(Array.from({ length: 22 }, (_, i) => String(i + 4)));
    expect((await rawRows()).map((row) => row.id)).toEqual(
      Array.from({ length: 25 }, (_, i) => String(i + 1)),
    );
  });

  it('refuses a value longer than the official varchar(255) instead of cutting it', async () => {
    const long = `1000.${'x'.repeat(4096)}`;
    const failure = await store
      .saveToken(userToken('too-long@zylker.example:1', { refreshToken: long }))
      .catch((error: unknown) => error);

    expect(isZohoTokensError(failure, 'ERR_STORE_VALUE')).toBe(true);
    expect((failure as Error).message).toContain('refresh_token');
    expect((failure as Error).message).not.toContain('xxxxxxxx');
    expect(await rawRows()).toHaveLength(3);
    expect(await store.findToken({ userSignature: 'too-long@zylker.example:1' })).toBeNull();
  });

  it('refuses a table that lacks official columns, naming them', async () => {
    const admin = await mysqlAdmin(DATABASE);
    await admin.query('CREATE TABLE broken (id varchar(10) NOT NULL PRIMARY KEY, user_name text)');
    await admin.end();
    const broken = MysqlStore.fromUrl(mysqlUrl(DATABASE, 'broken'));

    const failure = await broken.getTokens().catch((error: unknown) => error);
    expect(isZohoTokensError(failure, 'ERR_STORE_SCHEMA')).toBe(true);
    expect((failure as Error).message).toContain('client_id');
    await broken.close();
  });

  it('fills the matching row rather than adding one, as the official saveToken does', async () => {
    await store.saveToken(
      new OAuthToken({ userSignature: 'carol@zylker.example:700000002', accessToken: 'at-new' }),
    );

    const rows = await rawRows();
    expect(rows).toHaveLength(3);
    expect(rows[0]!.access_token).toBe('at-new');
    expect(rows[0]!.refresh_token).toBe(
      '1000.rtcarol0000000000000000000000000000.0000000000000000000000000000000c',
    );
  });
});

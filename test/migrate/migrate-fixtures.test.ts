import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { migrateTokens } from '../../src/migrate/migrate.js';
import type { TokenStore } from '../../src/store/token-store.js';
import { describeWithService } from '../support/services.js';
import {
  canonicalTokens,
  closeAll,
  dropMysqlDatabase,
  fixtureCopy,
  loadMysqlDump,
  mysqlUrl,
  open,
  tempDir,
} from './migrate-helpers.js';

afterEach(closeAll);

/**
 * Migrates the fixture store into SQLite, then from SQLite into a token file, and checks that
 * the file holds exactly the fixture's tokens, ids included.
 */
async function roundTrip(source: TokenStore, dir: string) {
  const original = await canonicalTokens(source);
  const sqlite = await open(`sqlite:${join(dir, 'zohooauth.db')}`);
  const file = await open(`file:${join(dir, 'sdk_tokens.csv')}`);

  const intoSqlite = await migrateTokens({ from: source, to: sqlite });
  const intoFile = await migrateTokens({ from: sqlite, to: file });

  const total = Object.keys(original).length;
  for (const report of [intoSqlite, intoFile]) {
    expect(report).toMatchObject({
      copied: total,
      updated: 0,
      unchanged: 0,
      total,
      verified: true,
    });
  }
  expect(intoFile.checksum).toBe(intoSqlite.checksum);
  expect(await canonicalTokens(sqlite)).toEqual(original);
  expect(await canonicalTokens(file)).toEqual(original);
  return { file, original };
}

describe('migrating what the official software wrote, into SQLite and back into a file', () => {
  it('the Kaizen #192 SQLite database', async () => {
    const dir = tempDir();
    const source = await open(`sqlite:${fixtureCopy('kaizen192-sqlite-store.db', dir)}`);

    const { file } = await roundTrip(source, dir);

    expect(await file.findToken({ userSignature: 'bob@zylker.example:700000001' })).toMatchObject({
      id: '2',
      expiresAt: 1796305850341,
      apiDomain: 'https://www.zohoapis.eu',
    });
  });

  it("the TypeScript SDK's token file", async () => {
    const dir = tempDir();
    const source = await open(`file:${fixtureCopy('typescript-sdk-filestore.csv', dir)}`);

    const { file, original } = await roundTrip(source, dir);

    expect(Object.keys(original)).toEqual(['1', '2', '3']);
    expect(await file.findTokenById('3')).toMatchObject({
      userSignature: null,
      apiDomain: 'https://www.zohoapis.jp',
    });
  });

  it("the Python SDK's token file, with a secret holding commas and quotes", async () => {
    const dir = tempDir();
    const source = await open(`file:${fixtureCopy('python-sdk-filestore.csv', dir)}`);

    const { file } = await roundTrip(source, dir);

    expect((await file.findTokenById('3'))?.clientSecret).toBe('secret,with,commas"and"quotes');
    expect((await file.findTokenById('1'))?.accessToken).toBe(
      '1000.atalice-refreshed.00000000000000000000000000000000a',
    );
  });
});

const describeMysql = await describeWithService('mysql');

describeMysql("migrating the official DBStore's MySQL table", () => {
  const database = `zt_migrate_dump_${process.pid}`;

  afterAll(async () => {
    await closeAll();
    await dropMysqlDatabase(database);
  });

  it('into SQLite and back into a file gives the same tokens', async () => {
    await loadMysqlDump(database);
    const dir = tempDir();
    const source = await open(mysqlUrl(database));

    const { file, original } = await roundTrip(source, dir);

    expect(Object.keys(original)).toEqual(['1', '2', '3']);
    expect(await file.findToken({ userSignature: 'dave@zylker.example:700000002' })).toMatchObject({
      id: '2',
      apiDomain: 'https://www.zohoapis.com.au',
    });
  });

  it('from a file into the MySQL table, keeping ids', async () => {
    const dir = tempDir();
    const source = await open(`file:${fixtureCopy('python-sdk-filestore.csv', dir)}`);
    const target = await open(mysqlUrl(database, 'oauthtoken_from_file'));
    await target.deleteTokens();

    const report = await migrateTokens({ from: source, to: target });

    expect(report).toMatchObject({ copied: 3, verified: true });
    expect(await canonicalTokens(target)).toEqual(await canonicalTokens(source));
  });
});

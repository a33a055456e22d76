import { afterAll, beforeAll, expect, it } from 'vitest';
import { isZohoTokensError } from '../../../src/errors.js';
import { OFFICIAL_COLUMNS } from '../../../src/store/columns.js';
import { openStore } from '../../../src/store/open-store.js';
import { PostgresStore } from '../../../src/store/postgres/postgres-store.js';
import { OAuthToken } from '../../../src/token/oauth-token.js';
import { describeWithService } from '../../support/services.js';
import {
  postgresAdmin,
  postgresDatabaseUrl,
  postgresUrl,
  uniqueName,
  userToken,
} from '../sql/sql-helpers.js';

const describe = await describeWithService('postgres');
const SCHEMA = uniqueName('pg_store');
const CREATED_DATABASE = uniqueName('pg_created');
const REPEATABLE_DATABASE = uniqueName('pg_repeatable');

async function adminQuery<R = Record<string, unknown>>(text: string, values: unknown[] = []) {
  const admin = await postgresAdmin();
  try {
    return (await admin.query(text, values)).rows as R[];
  } finally {
    await admin.end();
  }
}

describe('PostgresStore', () => {
  let store: PostgresStore;
  let table = 'oauthtoken';
  let tables = 0;

  // Every test gets an empty table of its own, in a schema the store itself creates.
  function freshStore(): PostgresStore {
    table = `tokens_${++tables}`;
    return PostgresStore.fromUrl(postgresUrl(SCHEMA, table));
  }

  beforeAll(async () => {
    await adminQuery(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
    await adminQuery(`DROP DATABASE IF EXISTS ${CREATED_DATABASE}`);
    await adminQuery(`DROP DATABASE IF EXISTS ${REPEATABLE_DATABASE}`);
  });

  afterAll(async () => {
    await store?.close();
    await adminQuery(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
    await adminQuery(`DROP DATABASE IF EXISTS ${CREATED_DATABASE} WITH (FORCE)`);
    await adminQuery(`DROP DATABASE IF EXISTS ${REPEATABLE_DATABASE} WITH (FORCE)`);
  });

  it('creates the schema and a table with the ten official columns in order, then ours', async () => {
    store = freshStore();
    expect(await store.getTokens()).toEqual([]);

    const columns = await adminQuery<{ name: string }>(
      `SELECT column_name AS name FROM information_schema.columns
       WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position`,
      [SCHEMA, table],
    );
    const indexes = await adminQuery<{ indexdef: string }>(
      'SELECT indexdef FROM pg_indexes WHERE schemaname = $1 AND tablename = $2',
      [SCHEMA, table],
    );
    expect(columns.map((row) => row.name)).toEqual([...OFFICIAL_COLUMNS, 'version', 'state']);
    for (const column of ['user_name', 'access_token', 'grant_token', 'refresh_token']) {
      expect(indexes.some((index) => index.indexdef.includes(`(${column})`))).toBe(true);
    }
    await store.close();
  });

  it('gives the 1st to 25th saves the ids 1 to 25 (no text max)', async () => {
    store = freshStore();
    const ids: string[] = [];
    for (let i = 1; i <= 25; i++) ids.push((await store.saveToken(userToken(`user-${i}`))).id!);

    expect(ids).toEqual(Array.from({ length: 25 }, (_, i) => String(i + 1)));
    expect((await store.findTokenById('11'))?.userSignature).toBe('user-11');
    expect((await store.getTokens()).map((token) => token.id)).toEqual(ids);
    await store.close();
  });

  it('finds by the matching rules, exactly, and never returns an arbitrary row', async () => {
    store = freshStore();
    await store.saveToken(userToken('Ada@example.com:1'));
    const grantOnly = await store.saveToken(
      new OAuthToken({ clientId: 'c', clientSecret: 's', grantToken: 'grant-1' }),
    );

    expect((await store.findToken({ userSignature: 'Ada@example.com:1' }))?.id).toBe('1');
    expect(await store.findToken({ userSignature: 'ada@example.com:1' })).toBeNull();
    expect((await store.findToken({ accessToken: 'at-Ada@example.com:1' }))?.id).toBe('1');
    expect(
      await store.findToken({ accessToken: 'at-Ada@example.com:1', clientSecret: 'x' }),
    ).toBeNull();
    expect((await store.findToken({ refreshToken: 'rt-Ada@example.com:1' }))?.id).toBe('1');
    expect(
      (await store.findToken({ grantToken: 'grant-1', refreshToken: 'rt-Ada@example.com:1' }))?.id,
    ).toBe(grantOnly.id);
    expect(await store.findToken({ clientId: 'c', clientSecret: 's' })).toBeNull();
    await store.close();
  });

  it('keeps hostile and unusual values intact, and round-trips a 4 KB value', async () => {
    store = freshStore();
    const odd = [
      "x' OR '1'='1",
      'comma, separated, "quoted"',
      'line one\nline two\r\nline three',
      'Zoë Ünïcödé 東京 🚀',
      "'); DROP TABLE oauthtoken; --",
      `1000.${'r'.repeat(4096)}`,
    ];
    for (const name of odd) {
      await store.saveToken(userToken(name, { clientSecret: name, refreshToken: `rt ${name}` }));
    }

    for (const name of odd) {
      const found = await store.findToken({ userSignature: name });
      expect(found?.userSignature).toBe(name);
      expect(found?.clientSecret).toBe(name);
      expect((await store.findToken({ refreshToken: `rt ${name}` }))?.id).toBe(found?.id);
    }
    expect(await store.getTokens()).toHaveLength(odd.length);
    await store.close();
  });

  it('refuses a value PostgreSQL cannot hold with ERR_STORE_VALUE', async () => {
    store = freshStore();
    const failure = await store
      .saveToken(userToken('nul', { accessToken: 'at\u0000hidden' }))
      .catch((error: unknown) => error);

    expect(isZohoTokensError(failure, 'ERR_STORE_VALUE')).toBe(true);
    expect((failure as Error).message).not.toContain('hidden');
    expect(await store.getTokens()).toEqual([]);
    await store.close();
  });

  it('updates the matching row, keeping the values the new token leaves out', async () => {
    store = freshStore();
    const first = await store.saveToken(userToken('keeper'));
    await store.saveToken(new OAuthToken({ userSignature: 'keeper', accessToken: 'at-new' }));

    const stored = await store.findTokenById(first.id!);
    expect(stored?.accessToken).toBe('at-new');
    expect(stored?.refreshToken).toBe('rt-keeper');
    expect(stored?.version).toBe(2);
    expect(await store.getTokens()).toHaveLength(1);
    await store.close();
  });

  it('answers 1000 concurrent lookups and keeps one row for 50 parallel saves of a user', async () => {
    store = freshStore();
    const saved = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        store.saveToken(userToken('busy', { accessToken: `at-${i}` })),
      ),
    );
    const found = await Promise.all(
      Array.from({ length: 1000 }, () => store.findToken({ userSignature: 'busy' })),
    );

    expect(await store.getTokens()).toHaveLength(1);
    expect(new Set(saved.map((token) => token.id)).size).toBe(1);
    expect(found.every((token) => token?.version === 50)).toBe(true);
    await store.close();
  });

  it('refuses a save carrying an older version and leaves the stored token alone', async () => {
    store = freshStore();
    const first = await store.saveToken(userToken('versioned'));
    await store.saveToken(first.with({ accessToken: 'at-second' }));

    const failure = await store
      .saveToken(first.with({ accessToken: 'at-stale' }))
      .catch((error: unknown) => error);
    expect(isZohoTokensError(failure, 'ERR_STORE_CONFLICT')).toBe(true);
    expect((await store.findTokenById(first.id!))?.accessToken).toBe('at-second');
    await store.close();
  });

  it('deletes one token, ignores unknown ids, and deletes all', async () => {
    store = freshStore();
    const a = await store.saveToken(userToken('a'));
    await store.saveToken(userToken('b'));

    await store.deleteToken(a.id!);
    await store.deleteToken('9999');
    expect((await store.getTokens()).map((token) => token.userSignature)).toEqual(['b']);
    await store.deleteTokens();
    expect(await store.getTokens()).toEqual([]);
    await store.close();
  });

  it('adopts an existing official-shaped table, adding only version and state at the end', async () => {
    await adminQuery(`CREATE SCHEMA IF NOT EXISTS ${SCHEMA}`);
    await adminQuery(
      `CREATE TABLE ${SCHEMA}.official (
        id varchar(10) NOT NULL PRIMARY KEY, user_name varchar(255), client_id varchar(255),
        client_secret varchar(255), refresh_token varchar(255), access_token varchar(255),
        grant_token varchar(255), expiry_time varchar(20), redirect_url varchar(255),
        api_domain varchar(255))`,
    );
    await adminQuery(
      `INSERT INTO ${SCHEMA}.official VALUES
       ('1', 'old@x:1', 'c', 's', 'rt-old', 'at-old', NULL, '1796305849341', NULL, NULL)`,
    );
    store = PostgresStore.fromUrl(postgresUrl(SCHEMA, 'official'));

    expect((await store.findToken({ userSignature: 'old@x:1' }))?.expiresAt).toBe(
      1_796_305_849_341,
    );
    const long = await store
      .saveToken(userToken('long@x:1', { refreshToken: 'r'.repeat(4096) }))
      .catch((error: unknown) => error);
    expect(isZohoTokensError(long, 'ERR_STORE_VALUE')).toBe(true);
    const columns = await adminQuery<{ name: string }>(
      `SELECT column_name AS name FROM information_schema.columns
       WHERE table_schema = $1 AND table_name = 'official' ORDER BY ordinal_position`,
      [SCHEMA],
    );
    expect(columns.map((row) => row.name)).toEqual([...OFFICIAL_COLUMNS, 'version', 'state']);
    await store.close();
  });

  it('refuses a table that lacks official columns, naming them', async () => {
    await adminQuery(`CREATE TABLE ${SCHEMA}.broken (id text PRIMARY KEY, user_name text)`);
    const broken = PostgresStore.fromUrl(postgresUrl(SCHEMA, 'broken'));

    const failure = await broken.getTokens().catch((error: unknown) => error);
    expect(isZohoTokensError(failure, 'ERR_STORE_SCHEMA')).toBe(true);
    expect((failure as Error).message).toContain('refresh_token');
    await broken.close();
  });

  it('opens through openStore with postgres:// and postgresql:// urls', async () => {
    const url = postgresUrl(SCHEMA, 'opened');
    const first = await openStore(url);
    const second = await openStore(url.replace(/^postgres:/, 'postgresql:'));
    const saved = await first.saveToken(userToken('via-url'));

    expect(second).toBeInstanceOf(PostgresStore);
    expect((await second.findTokenById(saved.id!))?.userSignature).toBe('via-url');
    await first.close?.();
    await second.close?.();
  });

  it('creates the database when it does not exist', async () => {
    const created = PostgresStore.fromUrl(postgresDatabaseUrl(CREATED_DATABASE, 'oauthtoken'));
    const saved = await created.saveToken(userToken('first'));
    await created.close();

    const rows = await adminQuery<{ datname: string }>(
      'SELECT datname FROM pg_database WHERE datname = $1',
      [CREATED_DATABASE],
    );
    expect(rows).toHaveLength(1);
    expect(saved.id).toBe('1');
  });

  it('hands out distinct ids where the server defaults to repeatable read', async () => {
    await adminQuery(`CREATE DATABASE ${REPEATABLE_DATABASE}`);
    await adminQuery(
      `ALTER DATABASE ${REPEATABLE_DATABASE} SET default_transaction_isolation = 'repeatable read'`,
    );
    const url = postgresDatabaseUrl(REPEATABLE_DATABASE, 'oauthtoken');
    const [one, two] = [PostgresStore.fromUrl(url), PostgresStore.fromUrl(url)];
    await one.getTokens();

    const saves = [one, two].flatMap((target, s) =>
      Array.from({ length: 30 }, (_, i) => target.saveToken(userToken(`rr-${s}-${i}`))),
    );
    const saved = await Promise.all(saves);

    expect(new Set(saved.map((token) => token.id)).size).toBe(60);
    expect(await one.getTokens()).toHaveLength(60);
    await one.close();
    await two.close();
  });
});

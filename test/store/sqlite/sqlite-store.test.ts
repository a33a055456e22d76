import { copyFileSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import { OAuthToken } from '../../../src/token/oauth-token.js';
import { fixturePath } from '../../support/fixtures.js';
import { runScript } from '../../support/processes.js';

const FIXTURE = fixturePath('kaizen192-sqlite-store.db');
const opened: SqliteStore[] = [];

function tempPath(name: string): string {
  return join(mkdtempSync(join(tmpdir(), 'zt-sqlite-')), name);
}

function open(path: string): SqliteStore {
  const store = new SqliteStore({ path });
  opened.push(store);
  return store;
}

afterEach(async () => {
  for (const store of opened.splice(0)) await store.close();
});

describe('SqliteStore on the Kaizen #192 sample database', () => {
  function fixture(): SqliteStore {
    const path = tempPath('zohooauth.db');
    copyFileSync(FIXTURE, path);
    return open(path);
  }

  it('finds both rows by user name, by refresh token and by id', async () => {
    const store = fixture();
    const rows = [
      ['1', 'alice@zylker.example:700000001', 'https://www.zohoapis.com'],
      ['2', 'bob@zylker.example:700000001', 'https://www.zohoapis.eu'],
    ] as const;

    for (const [id, user, apiDomain] of rows) {
      const byUser = await store.findToken({ userSignature: user });
      expect(byUser).toMatchObject({ id, userSignature: user, apiDomain });
      const byRefresh = await store.findToken({ refreshToken: byUser!.refreshToken });
      expect(byRefresh?.id).toBe(id);
      expect((await store.findTokenById(id))?.userSignature).toBe(user);
    }
  });

  it('reads every value of a row exactly as the sample stored it', async () => {
    const alice = await fixture().findTokenById('1');

    expect(alice!.toFields()).toMatchObject({
      clientId: '1000.CLIENTAAAAAAAAAAAAAAAAAAAAAA',
      clientSecret: 'secretalice000000000000000000000000000000aa',
      refreshToken: '1000.rtalice0000000000000000000000000000.0000000000000000000000000000000a',
      accessToken: '1000.atalice0000000000000000000000000000.0000000000000000000000000000000a',
      grantToken: null,
      expiresAt: 1796305849341,
      redirectUrl: 'https://app.zylker.example/oauth/callback',
    });
  });

  it('keeps the ten columns first, adding its own after them and indexes for lookups', async () => {
    const store = fixture();
    await store.saveToken(new OAuthToken({ userSignature: 'carol@x', refreshToken: 'r' }));

    const columns = store.db.prepare("SELECT name FROM pragma_table_info('oauthtoken')").all();
    expect(columns.map((column) => (column as { name: string }).name)).toEqual([
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
    const plan = store.db
      .prepare('EXPLAIN QUERY PLAN SELECT * FROM oauthtoken WHERE refresh_token = ?')
      .all('r');
    expect(JSON.stringify(plan)).toContain('USING INDEX');
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
  });

  it('gives the 11th and later saves fresh ids (numeric, not string, maximum)', async () => {
    const store = fixture();
    for (let i = 3; i <= 25; i++) {
      const saved = await store.saveToken(
        new OAuthToken({ userSignature: `user${i}@x`, refreshToken: `r${i}` }),
      );
      expect(saved.id).toBe(String(i));
    }
  });
});

describe('SqliteStore values', () => {
  it('stores and matches quotes, commas, newlines, non-ASCII text and an injection attempt', async () => {
    const path = tempPath('values.db');
    const store = open(path);
    const odd = new OAuthToken({
      userSignature: "x' OR '1'='1",
      clientId: 'c,"id"',
      clientSecret: 's\'e"c,r\ne\r\nt',
      refreshToken: 'rt-ünïcödé-令牌-🔑',
      accessToken: 'a'.repeat(4096),
      redirectUrl: 'https://example.com/cb?a=1,b=2',
    });
    await store.saveToken(odd);
    await store.saveToken(
      new OAuthToken({ userSignature: 'victim@example.com', refreshToken: 'v' }),
    );

    const reopened = open(path);
    const found = await reopened.findToken({ userSignature: "x' OR '1'='1" });
    expect(found!.toFields()).toMatchObject({ ...odd.toFields(), id: '1', version: 1 });
    expect((await reopened.findToken({ refreshToken: 'rt-ünïcödé-令牌-🔑' }))?.id).toBe('1');
    expect(await reopened.findToken({ userSignature: "' OR 1=1 --" })).toBeNull();
    expect(await reopened.getTokens()).toHaveLength(2);
  });

  it('creates a new database readable by its owner only', async () => {
    const path = tempPath('private.db');
    const store = open(path);
    await store.saveToken(new OAuthToken({ userSignature: 'a', refreshToken: 'r' }));

    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('reports a file that is not a database as corrupt', () => {
    const path = tempPath('not-a.db');
    writeFileSync(path, 'id,user_mail\n'.repeat(100));

    expect(() => new SqliteStore({ path })).toThrow(
      expect.objectContaining({ code: 'ERR_STORE_CORRUPT' }),
    );
    expect(readFileSync(path, 'utf8')).toBe('id,user_mail\n'.repeat(100));
  });

  it('refuses a path it cannot open with a typed error', () => {
    expect(() => new SqliteStore({ path: '/nonexistent-dir/x/y.db' })).toThrow(
      expect.objectContaining({ code: 'ERR_STORE_UNAVAILABLE' }),
    );
  });

  it('refuses a table without the token columns with a typed error', () => {
    const path = tempPath('other.db');
    const db = new Database(path);
    db.exec('CREATE TABLE oauthtoken (id text, something text)');
    db.close();

    expect(() => new SqliteStore({ path })).toThrow(
      expect.objectContaining({ code: 'ERR_STORE_SCHEMA' }),
    );
  });
});

describe('SqliteStore across processes', () => {
  it('gives unique ids to 4 processes saving 100 users each at the same moment', async () => {
    const path = tempPath('shared.db');
    open(path);

    await Promise.all(
      [0, 1, 2, 3].map((n) => runScript('./save-worker.ts', [`sqlite:${path}`, '100', `p${n}`])),
    );

    const tokens = await open(path).getTokens();
    expect(tokens).toHaveLength(400);
    expect(new Set(tokens.map((token) => token.id)).size).toBe(400);
    expect(
      tokens
        .map((token) => Number(token.id))
        .sort((a, b) => a - b)
        .at(-1),
    ).toBe(400);
  }, 60_000);
});

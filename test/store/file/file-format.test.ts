import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileStore } from '../../../src/store/file/file-store.js';
import { OAuthToken } from '../../../src/token/oauth-token.js';
import { FIXTURES, officialValues, tempFolder } from './file-helpers.js';

const TS_HEADER =
  'id,user_mail,client_id,client_secret,refresh_token,access_token,grant_token,expiry_time,redirect_url,api_domain';

let folder: string;
let remove: () => void;
beforeEach(() => {
  ({ folder, remove } = tempFolder());
});
afterEach(() => remove());

function storeOn(fixture: string): FileStore {
  const path = join(folder, fixture);
  copyFileSync(join(FIXTURES, fixture), path);
  return new FileStore(path);
}

describe('reading the official files', () => {
  it('reads every value of the TypeScript SDK file (LF, unquoted, no final newline)', async () => {
    const store = storeOn('typescript-sdk-filestore.csv');

    const rows = (await store.getTokens()).map(officialValues);

    expect(rows).toEqual([
      [
        '1',
        'carol@zylker.example:700000002',
        '1000.CLIENTCCCCCCCCCCCCCCCCCCCCCC',
        'secretcarol00000000000000000000000000000cc',
        '1000.rtcarol0000000000000000000000000000.0000000000000000000000000000000c',
        '1000.atcarol0000000000000000000000000000.0000000000000000000000000000000c',
        null,
        '1796305849341',
        'https://app.zylker.example/oauth/callback',
        'https://www.zohoapis.com',
      ],
      [
        '2',
        'dave@zylker.example:700000002',
        '1000.CLIENTCCCCCCCCCCCCCCCCCCCCCC',
        'secretcarol00000000000000000000000000000cc',
        '1000.rtdave00000000000000000000000000000.0000000000000000000000000000000d',
        '1000.atdave00000000000000000000000000000.0000000000000000000000000000000d',
        null,
        '1796305850341',
        'https://app.zylker.example/oauth/callback',
        'https://www.zohoapis.com.au',
      ],
      [
        '3',
        null,
        '1000.CLIENTDDDDDDDDDDDDDDDDDDDDDD',
        'secretnouser00000000000000000000000000000dd',
        '1000.rtnouser0000000000000000000000000000.000000000000000000000000000000e',
        '1000.atnouser0000000000000000000000000000.000000000000000000000000000000e',
        null,
        '1796305851341',
        'https://app.zylker.example/oauth/callback',
        'https://www.zohoapis.jp',
      ],
    ]);
  });

  it('reads every value of the Python SDK file (CRLF, CSV quoting)', async () => {
    const store = storeOn('python-sdk-filestore.csv');

    const rows = (await store.getTokens()).map(officialValues);

    expect(rows).toEqual([
      [
        '1',
        'alice@zylker.example:700000001',
        '1000.CLIENTAAAAAAAAAAAAAAAAAAAAAA',
        'secretalice000000000000000000000000000000aa',
        '1000.rtalice0000000000000000000000000000.0000000000000000000000000000000a',
        '1000.atalice-refreshed.00000000000000000000000000000000a',
        null,
        '1796305849341',
        'https://app.zylker.example/oauth/callback',
        'https://www.zohoapis.com',
      ],
      [
        '2',
        'bob@zylker.example:700000001',
        '1000.CLIENTAAAAAAAAAAAAAAAAAAAAAA',
        'secretalice000000000000000000000000000000aa',
        '1000.rtbob000000000000000000000000000000.0000000000000000000000000000000b',
        '1000.atbob000000000000000000000000000000.0000000000000000000000000000000b',
        null,
        '1796305850341',
        'https://app.zylker.example/oauth/callback',
        'https://www.zohoapis.eu',
      ],
      [
        '3',
        null,
        '1000.CLIENTBBBBBBBBBBBBBBBBBBBBBB',
        'secret,with,commas"and"quotes',
        '1000.rtnouser0000000000000000000000000000.000000000000000000000000000000c',
        '1000.atnouser0000000000000000000000000000.000000000000000000000000000000c',
        null,
        '1796305851341',
        'https://app.zylker.example/oauth/callback',
        'https://www.zohoapis.in',
      ],
    ]);
    // CRLF must not leave a carriage return on the last column.
    expect(rows.map((row) => row[9]!.endsWith('\r'))).toEqual([false, false, false]);
  });

  it('finds fixture tokens by user, access token, refresh token and id', async () => {
    const store = storeOn('python-sdk-filestore.csv');

    const byUser = await store.findToken({ userSignature: 'bob@zylker.example:700000001' });
    const byAccess = await store.findToken({
      accessToken: '1000.atalice-refreshed.00000000000000000000000000000000a',
    });
    const byRefresh = await store.findToken({
      refreshToken: '1000.rtnouser0000000000000000000000000000.000000000000000000000000000000c',
    });

    expect(byUser?.id).toBe('2');
    expect(byAccess?.id).toBe('1');
    expect(byRefresh?.clientSecret).toBe('secret,with,commas"and"quotes');
    expect((await store.findTokenById('3'))?.apiDomain).toBe('https://www.zohoapis.in');
    expect(await store.findTokenById('id')).toBeNull();
  });

  it('reads the legacy nine-column file (no api_domain)', async () => {
    const path = join(folder, 'legacy.csv');
    writeFileSync(
      path,
      'id,user_mail,client_id,client_secret,refresh_token,access_token,grant_token,expiry_time,redirect_url\n' +
        '1,old@zylker.example:1,1000.OLD,oldsecret,1000.rtold,1000.atold,,1700000000000,https://old.example/cb',
    );
    const store = new FileStore(path);

    const [token] = await store.getTokens();

    expect(officialValues(token!)).toEqual([
      '1',
      'old@zylker.example:1',
      '1000.OLD',
      'oldsecret',
      '1000.rtold',
      '1000.atold',
      null,
      '1700000000000',
      'https://old.example/cb',
      null,
    ]);
  });

  it('keeps every legacy row when it saves, adding the api_domain column', async () => {
    const path = join(folder, 'legacy.csv');
    writeFileSync(
      path,
      'id,user_name,client_id,client_secret,refresh_token,access_token,grant_token,expiry_time,redirect_uri\n' +
        '1,old@zylker.example:1,1000.OLD,oldsecret,1000.rtold,1000.atold,,1700000000000,https://old.example/cb',
    );
    const store = new FileStore(path);

    await store.saveToken(new OAuthToken({ userSignature: 'new@x:1', refreshToken: '1000.rtnew' }));

    const lines = readFileSync(path, 'utf8').split('\n');
    expect(lines[0]).toBe(`${TS_HEADER},version,state`);
    expect(lines[1]).toBe(
      '1,old@zylker.example:1,1000.OLD,oldsecret,1000.rtold,1000.atold,,1700000000000,https://old.example/cb,,0,',
    );
    expect(lines[2]).toBe('2,new@x:1,,,1000.rtnew,,,,,,1,');
  });

  it('reads a Python file that the TypeScript SDK appended to (CRLF and LF mixed)', async () => {
    const path = join(folder, 'mixed.csv');
    const python = readFileSync(join(FIXTURES, 'python-sdk-filestore.csv'), 'utf8');
    // What the official TypeScript FileStore leaves: it splits on LF and joins with LF.
    writeFileSync(path, `${python}4,erin@zylker.example:1,c,s,1000.rterin,,,,,`);
    const store = new FileStore(path);

    const tokens = await store.getTokens();

    expect(tokens.map((token) => token.id)).toEqual(['1', '2', '3', '4']);
    expect(tokens[2]!.clientSecret).toBe('secret,with,commas"and"quotes');
    expect(tokens[2]!.apiDomain).toBe('https://www.zohoapis.in');
    expect(tokens[3]!.refreshToken).toBe('1000.rterin');
  });
});

describe('writing', () => {
  it('writes the TypeScript variant: its header, LF, no final newline', async () => {
    const path = join(folder, 'tokens.csv');
    const store = new FileStore(path);

    await store.saveToken(
      new OAuthToken({
        userSignature: 'ada@zylker.example:1',
        clientId: '1000.C',
        clientSecret: 'sec',
        refreshToken: '1000.rt',
        accessToken: '1000.at',
        expiresAt: 1_796_305_849_341,
        redirectUrl: 'https://app.example/cb',
        apiDomain: 'https://www.zohoapis.eu',
      }),
    );

    expect(readFileSync(path, 'utf8')).toBe(
      `${TS_HEADER},version,state\n` +
        '1,ada@zylker.example:1,1000.C,sec,1000.rt,1000.at,,1796305849341,https://app.example/cb,https://www.zohoapis.eu,1,',
    );
  });

  it('keeps awkward values through a save and a re-open', async () => {
    const path = join(folder, 'tokens.csv');
    const awkward = new OAuthToken({
      userSignature: "x' OR '1'='1",
      clientId: 'client,with,commas',
      clientSecret: 'se"cr"et, "quoted"',
      refreshToken: 'line one\nline two\r\nline three\rend',
      accessToken: 'ünïcödé — 東京 — 🔑',
      grantToken: 'g'.repeat(4096),
      expiresAt: 1_796_305_849_341,
      redirectUrl: '  spaces kept  ',
      apiDomain: 'https://www.zohoapis.com',
    });
    await new FileStore(path).saveToken(awkward);
    await new FileStore(path).saveToken(new OAuthToken({ userSignature: 'b', accessToken: 'b' }));

    const reopened = new FileStore(path);
    const found = await reopened.findToken({ userSignature: "x' OR '1'='1" });

    expect(officialValues(found!)).toEqual(officialValues(awkward.with({ id: '1' })));
    expect((await reopened.findTokenById('2'))?.accessToken).toBe('b');
    expect(await reopened.findToken({ userSignature: 'x' })).toBeNull();
  });

  it('creates a missing file on the first write, and only then', async () => {
    const path = join(folder, 'new.csv');
    const store = new FileStore(path);

    expect(await store.getTokens()).toEqual([]);
    expect(() => readFileSync(path)).toThrow(/ENOENT/);

    await store.saveToken(new OAuthToken({ refreshToken: '1000.rt' }));
    expect(readFileSync(path, 'utf8').split('\n')).toHaveLength(2);
  });

  it('deleteTokens leaves the header alone', async () => {
    const store = storeOn('typescript-sdk-filestore.csv');

    await store.deleteTokens();

    expect(readFileSync(store.path, 'utf8')).toBe(`${TS_HEADER},version,state`);
    expect(await store.getTokens()).toEqual([]);
  });

  it('names a missing folder in a typed error', () => {
    const path = join(folder, 'no-such-folder', 'tokens.csv');

    expect(() => new FileStore(path)).toThrow(
      expect.objectContaining({
        code: 'ERR_STORE_UNAVAILABLE',
        message: expect.stringContaining('no-such-folder'),
      }),
    );
  });
});

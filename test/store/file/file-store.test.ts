import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isZohoTokensError } from '../../../src/errors.js';
import { FileStore } from '../../../src/store/file/file-store.js';
import { openStore } from '../../../src/store/open-store.js';
import { OAuthToken } from '../../../src/token/oauth-token.js';
import { tempFolder } from './file-helpers.js';

let folder: string;
let remove: () => void;
let path: string;
beforeEach(() => {
  ({ folder, remove } = tempFolder());
  path = join(folder, 'sdk_tokens.csv');
});
afterEach(() => remove());

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('the store contract on a file', () => {
  it('is what openStore gives for a file: URL', async () => {
    const store = await openStore(`file:${path}`);

    expect(store).toBeInstanceOf(FileStore);
    expect((store as FileStore).path).toBe(path);
  });

  it('updates the matching user, keeping stored values the new token lacks', async () => {
    const store = new FileStore(path);
    const first = await store.saveToken(
      new OAuthToken({
        userSignature: 'ada@x:1',
        clientId: 'c',
        clientSecret: 's',
        refreshToken: 'rt',
        apiDomain: 'https://www.zohoapis.eu',
      }),
    );

    const second = await store.saveToken(
      new OAuthToken({ userSignature: 'ada@x:1', accessToken: 'at', expiresAt: 5000 }),
    );

    expect(second.id).toBe(first.id);
    expect(second.version).toBe(2);
    expect(second.refreshToken).toBe('rt');
    expect(second.apiDomain).toBe('https://www.zohoapis.eu');
    expect(await new FileStore(path).getTokens()).toHaveLength(1);
  });

  it('matches by user, else access token without client, else grant then refresh', async () => {
    const store = new FileStore(path);
    await store.saveToken(
      new OAuthToken({ userSignature: 'u1', accessToken: 'a1', refreshToken: 'r1' }),
    );
    await store.saveToken(
      new OAuthToken({ grantToken: 'g2', refreshToken: 'r2', accessToken: 'a2' }),
    );

    expect((await store.findToken({ userSignature: 'u1', refreshToken: 'r2' }))?.id).toBe('1');
    expect(await store.findToken({ userSignature: 'nobody', refreshToken: 'r1' })).toBeNull();
    expect((await store.findToken({ accessToken: 'a2' }))?.id).toBe('2');
    expect(await store.findToken({ accessToken: 'a2', clientId: 'c' })).toBeNull();
    expect((await store.findToken({ grantToken: 'g2', refreshToken: 'r1' }))?.id).toBe('2');
    expect((await store.findToken({ grantToken: 'zz', refreshToken: 'r1' }))?.id).toBe('1');
    expect(await store.findToken({ clientId: 'c', clientSecret: 's' })).toBeNull();
  });

  it('numbers ids as numbers past the tenth token', async () => {
    const store = new FileStore(path);
    for (let n = 1; n <= 12; n++) {
      await store.saveToken(new OAuthToken({ userSignature: `u${n}`, refreshToken: `r${n}` }));
    }

    const ids = (await store.getTokens()).map((token) => token.id);

    expect(ids).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11', '12']);
  });

  it('deletes one token; an unknown id is not an error', async () => {
    const store = new FileStore(path);
    await store.saveToken(new OAuthToken({ userSignature: 'u1', refreshToken: 'r1' }));
    await store.saveToken(new OAuthToken({ userSignature: 'u2', refreshToken: 'r2' }));

    await store.deleteToken('1');
    await store.deleteToken('99');

    expect((await new FileStore(path).getTokens()).map((token) => token.id)).toEqual(['2']);
    expect(await store.findToken({ userSignature: 'u1' })).toBeNull();
    expect(await store.findToken({ refreshToken: 'r1' })).toBeNull();
  });

  it('refuses a save carrying an old version, alone among saves issued together', async () => {
    const store = new FileStore(path);
    await store.saveToken(new OAuthToken({ userSignature: 'u1', refreshToken: 'r1' }));
    await store.saveToken(new OAuthToken({ userSignature: 'u1', accessToken: 'a1' }));

    const [stale, fresh] = await Promise.allSettled([
      store.saveToken(new OAuthToken({ userSignature: 'u1', accessToken: 'old', version: 1 })),
      store.saveToken(new OAuthToken({ userSignature: 'u2', refreshToken: 'r2' })),
    ]);

    expect(
      stale.status === 'rejected' && isZohoTokensError(stale.reason, 'ERR_STORE_CONFLICT'),
    ).toBe(true);
    expect(fresh.status).toBe('fulfilled');
    expect((await new FileStore(path).findToken({ userSignature: 'u1' }))?.accessToken).toBe('a1');
    expect(await new FileStore(path).findToken({ userSignature: 'u2' })).not.toBeNull();
  });

  it('gives concurrent saves of new users distinct ids in one process', async () => {
    const store = new FileStore(path);

    const saved = await Promise.all(
      Array.from({ length: 30 }, (_, n) =>
        store.saveToken(new OAuthToken({ userSignature: `u${n}`, refreshToken: `r${n}` })),
      ),
    );

    expect(new Set(saved.map((token) => token.id)).size).toBe(30);
    expect(await new FileStore(path).getTokens()).toHaveLength(30);
  });
});

describe('file safety', () => {
  it('writes the file with mode 0600', async () => {
    await new FileStore(path).saveToken(new OAuthToken({ refreshToken: 'r' }));

    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('tightens a readable file to 0600 on the first write', async () => {
    writeFileSync(
      path,
      'id,user_mail,client_id,client_secret,refresh_token,access_token,grant_token,expiry_time,redirect_url,api_domain',
    );
    chmodSync(path, 0o644);

    await new FileStore(path).saveToken(new OAuthToken({ refreshToken: 'r' }));

    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('refuses a file cut short in a row, naming the line, and leaves it as it was', async () => {
    const store = new FileStore(path);
    for (const n of [1, 2, 3]) {
      await store.saveToken(new OAuthToken({ userSignature: `u${n}`, refreshToken: `r${n}` }));
    }
    const whole = readFileSync(path);
    const cut = whole.subarray(0, whole.length - 12);
    writeFileSync(path, cut);

    const reader = new FileStore(path);
    const lookup = await rejection(reader.findToken({ userSignature: 'u1' }));
    const save = await rejection(
      reader.saveToken(new OAuthToken({ userSignature: 'u4', refreshToken: 'r4' })),
    );

    expect(lookup).toMatchObject({
      code: 'ERR_STORE_CORRUPT',
      message: expect.stringContaining('line 4'),
    });
    expect(save).toMatchObject({ code: 'ERR_STORE_CORRUPT' });
    expect(readFileSync(path).equals(cut)).toBe(true);
  });

  it('refuses an unclosed quote, naming the line where the row starts', async () => {
    writeFileSync(
      path,
      'id,user_mail,client_id,client_secret,refresh_token,access_token,grant_token,expiry_time,redirect_url,api_domain\n' +
        '1,u1,c,s,r1,,,,,\n' +
        '2,u2,c,"broken,r2,,,,,\n' +
        '3,u3,c,s,r3,,,,,',
    );
    const before = readFileSync(path);
    const store = new FileStore(path);

    const error = await rejection(store.getTokens());
    await rejection(store.deleteTokens());

    expect(error).toMatchObject({
      code: 'ERR_STORE_CORRUPT',
      message: expect.stringContaining('line 3'),
    });
    expect(readFileSync(path).equals(before)).toBe(true);
  });

  it('refuses a file without its header', async () => {
    writeFileSync(path, '1,u1,c,s,r1,,,,,\n2,u2,c,s,r2,,,,,');

    const error = await rejection(new FileStore(path).getTokens());

    expect(error).toMatchObject({
      code: 'ERR_STORE_CORRUPT',
      message: expect.stringContaining('line 1'),
    });
  });

  it('an open store stops at a file torn underneath it, and resumes once it is fixed', async () => {
    const store = new FileStore(path);
    await store.saveToken(new OAuthToken({ userSignature: 'u1', refreshToken: 'r1' }));
    await store.saveToken(new OAuthToken({ userSignature: 'u2', refreshToken: 'r2' }));
    const whole = readFileSync(path);
    const torn = whole.subarray(0, whole.length - 8);
    writeFileSync(path, torn);

    const save = await rejection(
      store.saveToken(new OAuthToken({ userSignature: 'u3', refreshToken: 'r3' })),
    );
    expect(save).toMatchObject({ code: 'ERR_STORE_CORRUPT' });
    expect(readFileSync(path).equals(torn)).toBe(true);

    writeFileSync(path, whole);
    expect((await store.findToken({ userSignature: 'u2' }))?.refreshToken).toBe('r2');
  });

  it('reads an empty file as no tokens', async () => {
    writeFileSync(path, '');

    expect(await new FileStore(path).getTokens()).toEqual([]);
  });

  it('sees a change made in place with the same size right after it read the file', async () => {
    const store = new FileStore(path);
    await store.saveToken(
      new OAuthToken({ userSignature: 'u1', accessToken: 'aaaa', refreshToken: 'r' }),
    );
    expect((await store.findToken({ userSignature: 'u1' }))?.accessToken).toBe('aaaa');

    // The official SDK rewrites in place; the same length within one clock tick keeps the size
    // and may keep the modification time.
    writeFileSync(path, readFileSync(path, 'utf8').replace('aaaa', 'bbbb'));

    expect((await store.findToken({ userSignature: 'u1' }))?.accessToken).toBe('bbbb');
    await sleep(80);
    expect((await store.findToken({ userSignature: 'u1' }))?.accessToken).toBe('bbbb');
  });

  it('error messages name no secret', async () => {
    writeFileSync(
      path,
      'id,user_mail,client_id,client_secret,refresh_token,access_token,grant_token,expiry_time,redirect_url,api_domain\n' +
        '1,u1,c,"SECRETVALUE,r1,,,,,',
    );

    const error = (await rejection(new FileStore(path).getTokens())) as Error;

    expect(String(error.message)).not.toContain('SECRETVALUE');
    expect(String((error.cause as Error).message)).not.toContain('SECRETVALUE');
  });
});

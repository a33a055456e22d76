/**
 * The file store against the real official TypeScript SDK (`@zohocrm/typescript-sdk-8.0`): each
 * reads what the other wrote, and changes the SDK makes in place are seen by an open store.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileStore } from '../../../src/store/file/file-store.js';
import { OAuthToken } from '../../../src/token/oauth-token.js';
import { officialValues, tempFolder } from './file-helpers.js';

/** The parts of the official SDK's classes these tests use. */
interface SdkToken {
  getId(): string | null;
  getUserSignature(): { getName(): string } | null;
  getClientId(): string | null;
  getClientSecret(): string | null;
  getRefreshToken(): string | null;
  getAccessToken(): string | null;
  getGrantToken(): string | null;
  getExpiresIn(): string | null;
  getRedirectURL(): string | null;
  getAPIDomain(): string | null;
  setAccessToken(value: string): void;
  setExpiresIn(value: string): void;
  setAPIDomain(value: string): void;
}
interface SdkBuilder {
  clientId(value: string): SdkBuilder;
  clientSecret(value: string): SdkBuilder;
  refreshToken(value: string): SdkBuilder;
  redirectURL(value: string): SdkBuilder;
  userSignature(value: unknown): SdkBuilder;
  build(): SdkToken;
}
interface SdkFileStore {
  findToken(token: SdkToken): Promise<SdkToken | null>;
  findTokenById(id: string): Promise<SdkToken>;
  saveToken(token: SdkToken): Promise<void>;
  getTokens(): Promise<SdkToken[]>;
}
interface Sdk {
  FileStore: new (path: string) => SdkFileStore;
  OAuthBuilder: new () => SdkBuilder;
  UserSignature: new (name: string) => unknown;
}

const sdk = createRequire(import.meta.url)('@zohocrm/typescript-sdk-8.0') as Sdk;

function sdkValues(token: SdkToken): (string | null)[] {
  return [
    token.getId(),
    token.getUserSignature()?.getName() ?? null,
    token.getClientId() || null,
    token.getClientSecret() || null,
    token.getRefreshToken(),
    token.getAccessToken(),
    token.getGrantToken(),
    token.getExpiresIn(),
    token.getRedirectURL(),
    token.getAPIDomain(),
  ];
}

function sdkUser(name: string): SdkToken {
  return new sdk.OAuthBuilder().userSignature(new sdk.UserSignature(name)).build();
}

const ADA = new OAuthToken({
  userSignature: 'ada@zylker.example:700000001',
  clientId: '1000.CLIENTADA',
  clientSecret: 'secret-ada',
  refreshToken: '1000.rt.ada',
  accessToken: '1000.at.ada',
  expiresAt: 1_796_305_849_341,
  redirectUrl: 'https://app.zylker.example/oauth/callback',
  apiDomain: 'https://www.zohoapis.eu',
});
const NO_USER = new OAuthToken({
  clientId: '1000.CLIENTSELF',
  clientSecret: 'secret-self',
  refreshToken: '1000.rt.self',
  accessToken: '1000.at.self',
  expiresAt: 1_796_305_850_341,
  apiDomain: 'https://www.zohoapis.com',
});

let remove: () => void;
let path: string;
beforeEach(() => {
  const temp = tempFolder();
  remove = temp.remove;
  path = join(temp.folder, 'sdk_tokens.csv');
});
afterEach(() => remove());

describe('the official TypeScript FileStore reads a file this store wrote', () => {
  it('finds by user, by refresh token and by id, every value as written', async () => {
    const ours = new FileStore(path);
    await ours.saveToken(ADA);
    await ours.saveToken(NO_USER);
    await ours.saveToken(ADA.with({ accessToken: '1000.at.ada.2' }));
    const written = readFileSync(path);

    const official = new sdk.FileStore(path);
    const byUser = await official.findToken(sdkUser('ada@zylker.example:700000001'));
    const byRefresh = await official.findToken(
      new sdk.OAuthBuilder()
        .clientId('1000.CLIENTSELF')
        .clientSecret('secret-self')
        .refreshToken('1000.rt.self')
        .build(),
    );
    const byId = await official.findTokenById('2');

    expect(sdkValues(byUser!)).toEqual(
      officialValues(ADA.with({ id: '1', accessToken: '1000.at.ada.2' })),
    );
    expect(byRefresh?.getId()).toBe('2');
    expect(sdkValues(byId)).toEqual(officialValues(NO_USER.with({ id: '2' })));
    expect(await official.getTokens()).toHaveLength(2);
    // Opening it did not make the official store rewrite the file.
    expect(readFileSync(path).equals(written)).toBe(true);
  });
});

describe('this store reads a file the official TypeScript FileStore wrote', () => {
  it('every value as the official store saved it', async () => {
    const official = new sdk.FileStore(path);
    const token = new sdk.OAuthBuilder()
      .clientId('1000.CLIENTADA')
      .clientSecret('secret-ada')
      .refreshToken('1000.rt.ada')
      .redirectURL('https://app.zylker.example/oauth/callback')
      .userSignature(new sdk.UserSignature('ada@zylker.example:700000001'))
      .build();
    token.setAccessToken('1000.at.ada');
    token.setExpiresIn('1796305849341');
    token.setAPIDomain('https://www.zohoapis.eu');
    await official.saveToken(token);

    const found = await new FileStore(path).findToken({
      userSignature: 'ada@zylker.example:700000001',
    });

    expect(officialValues(found!)).toEqual(officialValues(ADA.with({ id: '1' })));
    expect(found!.version).toBe(0);
  });

  it('an open store sees the official store rewrite the file in place', async () => {
    const ours = new FileStore(path);
    await ours.saveToken(ADA);
    expect((await ours.findToken({ userSignature: ADA.userSignature! }))?.accessToken).toBe(
      '1000.at.ada',
    );

    const official = new sdk.FileStore(path);
    const refreshed = await official.findToken(sdkUser(ADA.userSignature!));
    refreshed!.setAccessToken('1000.at.ada.new');
    await official.saveToken(refreshed!);
    const added = new sdk.OAuthBuilder()
      .clientId('c')
      .clientSecret('s')
      .refreshToken('1000.rt.bob')
      .userSignature(new sdk.UserSignature('bob@zylker.example:1'))
      .build();
    await official.saveToken(added);

    expect((await ours.findToken({ userSignature: ADA.userSignature! }))?.accessToken).toBe(
      '1000.at.ada.new',
    );
    expect((await ours.findToken({ refreshToken: '1000.rt.bob' }))?.id).toBe('2');

    // A save of ours after theirs keeps their rows: the file is read again under the lock.
    await ours.saveToken(new OAuthToken({ userSignature: 'cy@x:1', refreshToken: '1000.rt.cy' }));
    const reread = await new FileStore(path).getTokens();
    expect(reread.map((row) => [row.id, row.accessToken])).toEqual([
      ['1', '1000.at.ada.new'],
      ['2', null],
      ['3', null],
    ]);
    expect((await new sdk.FileStore(path).findTokenById('3')).getRefreshToken()).toBe('1000.rt.cy');
  });
});

import * as sdk from '@zohocrm/typescript-sdk-8.0';
import { describe, expect, it } from 'vitest';
import { ZohoTokensError } from '../../src/errors.js';
import { MemoryStore } from '../../src/store/memory/memory-store.js';
import type { TokenStore } from '../../src/store/token-store.js';
import { OAuthToken } from '../../src/token/oauth-token.js';
import {
  fromSdkToken,
  type SdkOAuthToken,
  toSdkToken,
  toZohoSdkStore,
} from '../../src/zoho-sdk/index.js';

const VALUES = {
  id: '7',
  userSignature: 'ada@zylker.example:700000001',
  clientId: '1000.CLIENTAAAAAAAAAAAAAAAAAAAAAA',
  clientSecret: 'secret,with,commas"and"quotes',
  refreshToken: '1000.rtada.0000000000000000000000000000000a',
  accessToken: '1000.atada.0000000000000000000000000000000a',
  grantToken: '1000.grantada.000000000000000000000000000000a',
  expiresAt: 1796305849341,
  redirectUrl: 'https://app.zylker.example/oauth/callback',
  apiDomain: 'https://www.zohoapis.eu',
};

function officialToken(): sdk.OAuthToken {
  const token = new sdk.OAuthToken(
    VALUES.clientId,
    VALUES.clientSecret,
    VALUES.grantToken,
    VALUES.refreshToken,
    VALUES.redirectUrl,
    VALUES.id,
    VALUES.accessToken,
    new sdk.UserSignature(VALUES.userSignature),
  );
  token.setExpiresIn(String(VALUES.expiresAt));
  token.setAPIDomain(VALUES.apiDomain);
  return token;
}

function officialValues(token: SdkOAuthToken) {
  return {
    id: token.getId(),
    userSignature: token.getUserSignature()?.getName(),
    clientId: token.getClientId(),
    clientSecret: token.getClientSecret(),
    refreshToken: token.getRefreshToken(),
    accessToken: token.getAccessToken(),
    grantToken: token.getGrantToken(),
    expiresIn: token.getExpiresIn(),
    redirectUrl: token.getRedirectURL(),
    apiDomain: token.getAPIDomain(),
  };
}

describe('converting tokens between the official SDK and zoho-tokens', () => {
  it('keeps every field of an official token, both ways', () => {
    const original = officialToken();

    const ours = fromSdkToken(original);
    expect(ours.toFields()).toEqual({ ...VALUES, version: null, state: null });

    const back = toSdkToken(ours, sdk);
    expect(back).toBeInstanceOf(sdk.OAuthToken);
    expect(back).not.toBe(original);
    expect(back.getUserSignature()).toBeInstanceOf(sdk.UserSignature);
    expect(officialValues(back)).toEqual(officialValues(original));
    expect(back.getExpiresIn()).toBe('1796305849341');
  });

  it('keeps every field of our token, both ways', () => {
    const ours = new OAuthToken(VALUES);

    expect(fromSdkToken(toSdkToken(ours, sdk)).toFields()).toEqual(ours.toFields());
  });

  it('reads the fields an official store never set as absent', () => {
    const empty = Reflect.construct(sdk.OAuthToken, []) as sdk.OAuthToken;

    expect(fromSdkToken(empty).toFields()).toEqual(new OAuthToken().toFields());
    expect(officialValues(toSdkToken(new OAuthToken({ id: '3' }), sdk))).toMatchObject({
      id: '3',
      userSignature: undefined,
      expiresIn: undefined,
    });
  });

  it('reads the "NaN" expiry the official SDK writes after a response without expires_in', () => {
    const token = officialToken();
    token.setExpiresIn('NaN');

    expect(fromSdkToken(token).expiresAt).toBeNull();
  });
});

describe('the adapter, with the official semantics the SDK core relies on', () => {
  async function storeWithAda(): Promise<TokenStore> {
    const store = new MemoryStore();
    await store.saveToken(new OAuthToken({ ...VALUES, id: null }));
    return store;
  }

  it('findToken fills only the absent fields of the token it is given, and returns it', async () => {
    const adapter = toZohoSdkStore(await storeWithAda(), { sdk });
    const query = new sdk.OAuthToken(
      VALUES.clientId,
      'a-newer-secret',
      null,
      VALUES.refreshToken,
      null,
      null,
      null,
      null,
    );

    const found = await adapter.findToken(query);

    expect(found).toBe(query);
    expect(officialValues(query)).toEqual({
      ...officialValues(officialToken()),
      id: '1',
      clientSecret: 'a-newer-secret',
    });
  });

  it('findToken resolves to null on a miss and leaves the token alone', async () => {
    const adapter = toZohoSdkStore(await storeWithAda(), { sdk });
    const query = new sdk.OAuthToken('c', 's', null, 'unknown', null, null, null, null);

    expect(await adapter.findToken(query)).toBeNull();
    expect(query.getAccessToken()).toBeNull();
    expect(query.getId()).toBeNull();
  });

  it('findTokenById returns a new official token, or null for an unknown id', async () => {
    const adapter = toZohoSdkStore(await storeWithAda(), { sdk });

    const found = await adapter.findTokenById('1');
    expect(found).toBeInstanceOf(sdk.OAuthToken);
    expect(officialValues(found!)).toEqual({ ...officialValues(officialToken()), id: '1' });
    expect(await adapter.findTokenById('1')).not.toBe(found);
    expect(await adapter.findTokenById('99')).toBeNull();
  });

  it('saveToken sets the id the store assigned on the token it is given', async () => {
    const store = await storeWithAda();
    const adapter = toZohoSdkStore(store, { sdk });
    const bob = new sdk.OAuthToken('c', 's', null, '1000.rtbob', null, null, '1000.atbob', null);
    bob.setExpiresIn('1796305850341');

    await adapter.saveToken(bob);

    expect(bob.getId()).toBe('2');
    expect((await store.findTokenById('2'))?.toFields()).toMatchObject({
      refreshToken: '1000.rtbob',
      accessToken: '1000.atbob',
      expiresAt: 1796305850341,
    });
  });

  it('saveToken updates the row of a token that has an id, and never duplicates it', async () => {
    const store = await storeWithAda();
    const adapter = toZohoSdkStore(store, { sdk });
    const ada = (await adapter.findTokenById('1'))!;
    ada.setAccessToken('1000.atada.refreshed');
    ada.setExpiresIn('1896305849341');

    await adapter.saveToken(ada);

    const tokens = await store.getTokens();
    expect(tokens).toHaveLength(1);
    expect(tokens[0]).toMatchObject({
      accessToken: '1000.atada.refreshed',
      expiresAt: 1896305849341,
    });
  });

  it('getTokens, deleteToken and deleteTokens pass through, [] when empty', async () => {
    const store = await storeWithAda();
    const adapter = toZohoSdkStore(store, { sdk });

    const all = await adapter.getTokens();
    expect(all.map((token) => token.getId())).toEqual(['1']);
    expect(all[0]).toBeInstanceOf(sdk.OAuthToken);
    await adapter.deleteToken('42');
    await adapter.deleteToken('1');
    expect(await adapter.getTokens()).toEqual([]);
    await adapter.saveToken(toSdkToken(new OAuthToken({ ...VALUES, id: null }), sdk));
    await adapter.deleteTokens();
    expect(await store.getTokens()).toEqual([]);
  });

  it('loads the official SDK itself when not given its classes', async () => {
    const adapter = toZohoSdkStore(await storeWithAda());

    expect(await adapter.findTokenById('1')).toBeInstanceOf(sdk.OAuthToken);
  });

  it('refuses a token that is not an OAuthToken of the SDK copy it uses', async () => {
    const adapter = toZohoSdkStore(new MemoryStore(), { sdk });
    const lookalike = Object.assign(Object.create(null), officialToken()) as SdkOAuthToken;

    await expect(adapter.saveToken(lookalike)).rejects.toMatchObject({
      code: 'ERR_INVALID_ARGUMENT',
    });
    expect(() => toZohoSdkStore(new MemoryStore(), { sdk: {} as never })).toThrow(ZohoTokensError);
  });

  it("rejects with the store's typed error, never hangs", async () => {
    const failure = new ZohoTokensError('ERR_STORE_UNAVAILABLE', 'mysql findTokenById: down');
    const store = new MemoryStore();
    store.findTokenById = () => Promise.reject(failure);
    const adapter = toZohoSdkStore(store, { sdk });

    await expect(adapter.findTokenById('1')).rejects.toBe(failure);
  });
});

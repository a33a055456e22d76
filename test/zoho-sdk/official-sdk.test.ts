import * as sdk from '@zohocrm/typescript-sdk-8.0';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isZohoTokensError } from '../../src/errors.js';
import type { TokenStore } from '../../src/store/token-store.js';
import { describeWithService } from '../support/services.js';
import { type ZohoFixture, zohoEmulator } from '../support/zoho.js';
import {
  crmStatusWith,
  fetchOrgZgid,
  initializeSdk,
  openEmptyStore,
  STORE_CASES,
  type StoreCase,
  tempDir,
} from './sdk-helpers.js';

const USER = 'ada@zylker.example';
const opened: TokenStore[] = [];

function clientBuilder(zoho: ZohoFixture): sdk.OAuthBuilder {
  return new sdk.OAuthBuilder()
    .clientId(zoho.client.clientId)
    .clientSecret(zoho.client.clientSecret);
}

async function suiteFor(storeCase: StoreCase): Promise<typeof describe> {
  return storeCase.service === undefined ? describe : describeWithService(storeCase.service);
}

for (const storeCase of STORE_CASES) {
  const suite = await suiteFor(storeCase);

  suite(`the official SDK on the ${storeCase.name} store`, () => {
    let zoho: ZohoFixture;
    let store: TokenStore;
    let dir: string;

    beforeEach(async () => {
      zoho = await zohoEmulator();
      dir = tempDir();
      store = await openEmptyStore(storeCase, dir);
      opened.push(store);
    });

    afterEach(async () => {
      await zoho.emulator.close();
      for (const used of opened.splice(0)) {
        await used.deleteTokens();
        await used.close?.();
      }
    });

    async function loginWithGrantCode(): Promise<string> {
      const grant = await zoho.admin.mintGrantCodeDetailed(USER);
      await initializeSdk(zoho, clientBuilder(zoho).grantToken(grant.code).build(), store, dir);
      return grant.user.org.zgid;
    }

    it('exchanges the grant code once and keeps the tokens in our store', async () => {
      const zgid = await loginWithGrantCode();

      expect(await fetchOrgZgid()).toBe(zgid);
      expect(await fetchOrgZgid()).toBe(zgid);

      const stats = await zoho.admin.stats();
      expect(stats.token_requests).toMatchObject({ authorization_code: 1, refresh_token: 0 });
      const tokens = await store.getTokens();
      expect(tokens).toHaveLength(1);
      const stored = tokens[0]!;
      expect(stored).toMatchObject({
        userSignature: `${USER}:${zgid}`,
        clientId: zoho.client.clientId,
        clientSecret: zoho.client.clientSecret,
        apiDomain: zoho.emulator.apiUrl,
      });
      expect(stored.id).toMatch(/^\d+$/);
      expect(stored.refreshToken).not.toBeNull();
      expect(stored.expiresAt).toBeGreaterThan(Date.now() + 3_000_000);
      expect(await crmStatusWith(zoho, stored.accessToken!)).toBe(200);
    });

    it('saves the official refresh through our store once the stored expiry has passed', async () => {
      const zgid = await loginWithGrantCode();
      const [before] = await store.getTokens();
      if (before === undefined) throw new Error('the login saved nothing');

      await zoho.admin.expireAccessTokens();
      await store.saveToken(before.with({ expiresAt: Date.now() - 1_000 }));
      expect(await fetchOrgZgid()).toBe(zgid);

      const after = (await store.getTokens())[0]!;
      expect((await zoho.admin.stats()).token_requests).toMatchObject({
        authorization_code: 1,
        refresh_token: 1,
      });
      expect(after.id).toBe(before.id);
      expect(after.userSignature).toBe(before.userSignature);
      expect(after.refreshToken).toBe(before.refreshToken);
      expect(after.accessToken).not.toBe(before.accessToken);
      expect(after.expiresAt).toBeGreaterThan(Date.now() + 3_000_000);
      expect(await crmStatusWith(zoho, before.accessToken!)).toBe(401);
      expect(await crmStatusWith(zoho, after.accessToken!)).toBe(200);
      expect(await store.getTokens()).toHaveLength(1);
    });

    it('finds the stored token again after a restart, by refresh token or by id', async () => {
      const zgid = await loginWithGrantCode();
      const [stored] = await store.getTokens();
      if (stored?.id == null) throw new Error('the login saved nothing');

      const byRefresh = clientBuilder(zoho).refreshToken(stored.refreshToken!).build();
      await initializeSdk(zoho, byRefresh, store, dir);
      expect(byRefresh.getAccessToken()).toBe(stored.accessToken);
      expect(byRefresh.getId()).toBe(stored.id);
      expect(await fetchOrgZgid()).toBe(zgid);

      await initializeSdk(zoho, new sdk.OAuthBuilder().id(stored.id).build(), store, dir);
      expect(await fetchOrgZgid()).toBe(zgid);

      expect((await zoho.admin.stats()).token_requests).toMatchObject({
        authorization_code: 1,
        refresh_token: 0,
      });
      expect(await store.getTokens()).toHaveLength(1);
    });
  });
}

describe('an id the store does not have', () => {
  it('is a miss the official SDK carries on from, storing its token under that id', async () => {
    const zoho = await zohoEmulator();
    const dir = tempDir();
    const store = await openEmptyStore(STORE_CASES[0]!, dir);
    const code = await zoho.admin.mintGrantCode(USER);
    await initializeSdk(zoho, clientBuilder(zoho).grantToken(code).build(), store, dir);
    const refreshToken = (await store.getTokens())[0]!.refreshToken!;
    await store.deleteTokens();

    // The same store again: the SDK caches initializers by API URL and refresh token, so a
    // second store given with the same pair would be ignored in favour of the first.
    const withId = clientBuilder(zoho).id('42').refreshToken(refreshToken).build();
    await initializeSdk(zoho, withId, store, dir);

    expect((await store.getTokens()).map((token) => token.id)).toEqual(['42']);
    expect((await store.findTokenById('42'))?.refreshToken).toBe(refreshToken);
    expect((await zoho.admin.stats()).token_requests.refresh_token).toBe(1);
    await store.close?.();
    await zoho.emulator.close();
  });
});

describe('store failures seen by the official SDK', () => {
  it('reach the CRM call as a rejection carrying our typed error', async () => {
    const zoho = await zohoEmulator();
    const dir = tempDir();
    const store = await openEmptyStore(STORE_CASES[0]!, dir);
    await initializeSdk(
      zoho,
      clientBuilder(zoho)
        .grantToken(await zoho.admin.mintGrantCode(USER))
        .build(),
      store,
      dir,
    );

    await store.close?.();
    const failure = await new sdk.Org.OrgOperations().getOrganization().then(
      () => null,
      (error: unknown) => error,
    );

    expect(failure).toBeInstanceOf(sdk.SDKException);
    expect((failure as Error).cause).toMatchObject({ code: 'ERR_STORE_UNAVAILABLE' });
    expect(isZohoTokensError((failure as Error).cause)).toBe(true);
    await zoho.emulator.close();
  });
});

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as sdk from '@zohocrm/typescript-sdk-8.0';
import { expect } from 'vitest';
import { generateKey } from '../../src/store/encrypted/keyring.js';
import { openStore } from '../../src/store/open-store.js';
import type { TokenStore } from '../../src/store/token-store.js';
import { toZohoSdkStore } from '../../src/zoho-sdk/index.js';
import { SERVICES, type ServiceName } from '../support/services.js';
import type { ZohoFixture } from '../support/zoho.js';

/** A zoho-tokens store the official SDK is tested on, opened by URL in a fresh folder. */
export interface StoreCase {
  name: string;
  service?: ServiceName;
  url(dir: string): string;
}

function serviceUrl(service: ServiceName, path: string | null, query: string): string {
  const url = new URL(SERVICES[service].url);
  if (path !== null) url.pathname = path;
  url.search = query;
  return url.toString();
}

const KEYS = generateKey('interop');

/** Every store with an opener; a new store is one more line. */
export const STORE_CASES: readonly StoreCase[] = [
  { name: 'sqlite', url: (dir) => `sqlite:${join(dir, 'zohooauth.db')}` },
  { name: 'file', url: (dir) => `file:${join(dir, 'sdk_tokens.csv')}` },
  {
    name: 'mysql',
    service: 'mysql',
    url: () => serviceUrl('mysql', '/zt_zoho_sdk', '?table=oauthtoken_interop'),
  },
  {
    name: 'postgres',
    service: 'postgres',
    url: () => serviceUrl('postgres', null, '?table=oauthtoken_zoho_sdk_interop'),
  },
  { name: 'redis', service: 'redis', url: () => serviceUrl('redis', null, '?prefix=zt_zoho_sdk:') },
  { name: 'encrypted sqlite', url: (dir) => `encrypted+sqlite:${join(dir, 'zohooauth.db')}` },
];

/** A fresh folder for one test. */
export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'zt-zoho-sdk-'));
}

/** Opens the case's store, empty. */
export async function openEmptyStore(storeCase: StoreCase, dir: string): Promise<TokenStore> {
  const store = await openStore(storeCase.url(dir), { keys: KEYS });
  await store.deleteTokens();
  return store;
}

/**
 * The official Environment pointing at the emulator: the constructor takes the CRM URL, the
 * full token endpoint (the official SDK posts to it as it is) and a file upload URL.
 */
export function emulatorEnvironment(zoho: ZohoFixture): sdk.Environment {
  const { apiUrl, accountsUrl } = zoho.emulator;
  return new sdk.Environment(apiUrl, `${accountsUrl}/oauth/v2/token`, apiUrl);
}

/** Initialises the official SDK with `token`, our store behind the adapter, and the emulator. */
export async function initializeSdk(
  zoho: ZohoFixture,
  token: sdk.OAuthToken,
  store: TokenStore,
  resourcePath: string,
): Promise<void> {
  const builder = new sdk.InitializeBuilder();
  // The builder's constructor reads the previous Initializer asynchronously and then writes
  // that one's environment and token over whatever was set meanwhile: let it finish first.
  await new Promise((resolve) => setImmediate(resolve));

  await builder
    .environment(emulatorEnvironment(zoho))
    .token(token)
    .store(toZohoSdkStore(store, { sdk }))
    .resourcePath(resourcePath)
    .initialize();
}

/** A CRM call made by the official SDK: `GET /crm/v8/org`; resolves to the org's zgid. */
export async function fetchOrgZgid(): Promise<string> {
  const response = await new sdk.Org.OrgOperations().getOrganization();
  expect(response.getStatusCode()).toBe(200);

  const body = response.getObject();
  if (!(body instanceof sdk.Org.ResponseWrapper)) throw new Error('the org call failed');
  return body.getOrg()[0]!.getZgid();
}

/** A CRM call made with an access token directly: the emulator's verdict on it. */
export async function crmStatusWith(zoho: ZohoFixture, accessToken: string): Promise<number> {
  const response = await fetch(`${zoho.emulator.apiUrl}/crm/v8/org`, {
    headers: { authorization: `Zoho-oauthtoken ${accessToken}` },
  });
  return response.status;
}

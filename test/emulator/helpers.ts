import { afterEach } from 'vitest';
import {
  EmulatorAdmin,
  type EmulatorOptions,
  type RunningEmulator,
  startEmulator,
} from '../../src/emulator/index.js';

export type TokenBody = Record<string, unknown>;
export type Transport = 'query' | 'urlencoded' | 'multipart';

/** Zoho's token shape: `1000.<32 hex>.<32 hex>`. */
export const ZOHO_TOKEN = /^1000\.[0-9a-f]{32}\.[0-9a-f]{32}$/;

const running: RunningEmulator[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((z) => z.close()));
});

/** Starts an emulator on a free port; it is closed after the current test. */
export async function start(
  options?: EmulatorOptions,
): Promise<{ zoho: RunningEmulator; admin: EmulatorAdmin }> {
  const zoho = await startEmulator(options);
  running.push(zoho);
  return { zoho, admin: new EmulatorAdmin(zoho) };
}

/** POSTs to the token endpoint with the parameters in the chosen place. */
export async function postToken(
  zoho: RunningEmulator,
  params: Record<string, string>,
  transport: Transport = 'urlencoded',
  path = '/oauth/v2/token',
): Promise<{ status: number; body: TokenBody; response: Response }> {
  const url = new URL(path, zoho.accountsUrl);
  const init: RequestInit = { method: 'POST' };
  if (transport === 'query') {
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  } else if (transport === 'urlencoded') {
    init.body = new URLSearchParams(params);
  } else {
    const form = new FormData();
    for (const [k, v] of Object.entries(params)) form.set(k, v);
    init.body = form;
  }
  const response = await fetch(url, init);
  const body = (await response.clone().json()) as TokenBody;
  return { status: response.status, body, response };
}

/** Exchanges a grant code with the emulator's default client. */
export async function exchange(
  zoho: RunningEmulator,
  code: string,
  extra: Record<string, string> = {},
): Promise<TokenBody> {
  const { body } = await postToken(zoho, {
    grant_type: 'authorization_code',
    client_id: zoho.clientId,
    client_secret: zoho.clientSecret,
    code,
    ...extra,
  });
  return body;
}

export async function refresh(zoho: RunningEmulator, refreshToken: string): Promise<TokenBody> {
  const { body } = await postToken(zoho, {
    grant_type: 'refresh_token',
    client_id: zoho.clientId,
    client_secret: zoho.clientSecret,
    refresh_token: refreshToken,
  });
  return body;
}

/** Mints a code for `user` and exchanges it: the usual start of a test. */
export async function login(
  zoho: RunningEmulator,
  admin: EmulatorAdmin,
  user = 'jane.doe@example.com',
  scope?: string,
): Promise<{ accessToken: string; refreshToken: string }> {
  const body = await exchange(zoho, await admin.mintGrantCode(user, scope));
  return { accessToken: String(body.access_token), refreshToken: String(body.refresh_token) };
}

/** GET on the CRM API with an access token in the given scheme. */
export async function crmGet(
  zoho: RunningEmulator,
  path: string,
  accessToken?: string,
  scheme = 'Zoho-oauthtoken',
): Promise<{ status: number; body: unknown; text: string }> {
  const headers: Record<string, string> =
    accessToken === undefined ? {} : { authorization: `${scheme} ${accessToken}` };
  const response = await fetch(new URL(path, zoho.apiUrl), { headers });
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : JSON.parse(text), text };
}

export const INVALID_TOKEN_BODY = {
  code: 'INVALID_TOKEN',
  details: {},
  message: 'invalid oauth token',
  status: 'error',
};

export const THROTTLE_BODY = {
  error_description:
    'You have made too many requests continuously. Please try again after some time.',
  error: 'Access Denied',
  status: 'failure',
};

export const TEN_MINUTES_MS = 10 * 60_000;

import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  EmulatorStateError,
  type RunningEmulator,
  startEmulator,
} from '../../src/emulator/index.js';
import {
  crmGet,
  exchange,
  INVALID_TOKEN_BODY,
  login,
  postToken,
  refresh,
  start,
  THROTTLE_BODY,
  ZOHO_TOKEN,
} from './helpers.js';

let folder: string;
let statePath: string;
const blockers: Server[] = [];

beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'zoho-emulator-state-'));
  statePath = join(folder, 'state.json');
});

afterEach(async () => {
  await Promise.all(blockers.splice(0).map((s) => new Promise((r) => s.close(r))));
  rmSync(folder, { recursive: true, force: true });
});

const CURRENT_USER = '/crm/v8/users?type=CurrentUser';

/** Listens on `port` (0: any) on loopback so the emulator cannot; closed after the test. */
async function occupy(port = 0): Promise<number> {
  const server = createServer();
  blockers.push(server);
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** A port that was free a moment ago. */
async function freePort(): Promise<number> {
  const port = await occupy();
  const server = blockers.pop();
  await new Promise((r) => server?.close(r));
  return port;
}

function savedJson(): Record<string, unknown> {
  return JSON.parse(readFileSync(statePath, 'utf8')) as Record<string, unknown>;
}

describe('state file: restart', () => {
  it('keeps refresh and access tokens, used codes and user/org ids across a restart', async () => {
    const first = await start({ statePath });
    const minted = await first.admin.mintGrantCodeDetailed('jane.doe@example.com');
    const tokens = await exchange(first.zoho, minted.code);
    const spare = await first.admin.mintGrantCode('sam@example.com');
    await first.zoho.close();

    const { zoho, admin } = await start({ statePath });

    expect([first.zoho.stateRestored, zoho.stateRestored]).toEqual([false, true]);
    expect(zoho.statePath).toBe(statePath);
    expect(await exchange(zoho, minted.code)).toEqual({ error: 'invalid_code' });
    const me = await crmGet(zoho, CURRENT_USER, String(tokens.access_token));
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({
      users: [{ id: minted.user.id, zuid: minted.user.zuid, email: 'jane.doe@example.com' }],
    });
    expect(await admin.user('jane.doe@example.com')).toEqual(minted.user);
    const refreshed = await refresh(zoho, String(tokens.refresh_token));
    expect(refreshed.access_token).toMatch(ZOHO_TOKEN);
    expect(refreshed.api_domain).toBe(zoho.apiUrl);
    expect((await crmGet(zoho, '/crm/v8/org', String(refreshed.access_token))).body).toMatchObject({
      org: [{ id: minted.user.org.id, zgid: minted.user.org.zgid }],
    });
    expect((await exchange(zoho, spare)).refresh_token).toMatch(ZOHO_TOKEN);
  });

  it('keeps revoked refresh and access tokens revoked', async () => {
    const first = await start({ statePath });
    const revokedPair = await login(first.zoho, first.admin, 'gone@example.com');
    const minted = String((await refresh(first.zoho, revokedPair.refreshToken)).access_token);
    const kept = await login(first.zoho, first.admin, 'kept@example.com');
    const revokePath = '/oauth/v2/token/revoke';
    for (const token of [revokedPair.refreshToken, kept.accessToken]) {
      const { body } = await postToken(first.zoho, { token }, 'urlencoded', revokePath);
      expect(body).toEqual({ status: 'success' });
    }
    await first.zoho.close();

    const { zoho } = await start({ statePath });

    expect(await refresh(zoho, revokedPair.refreshToken)).toEqual({ error: 'invalid_code' });
    for (const token of [revokedPair.accessToken, minted, kept.accessToken]) {
      expect(await crmGet(zoho, CURRENT_USER, token)).toMatchObject({
        status: 401,
        body: INVALID_TOKEN_BODY,
      });
    }
    expect(
      (await postToken(zoho, { token: revokedPair.refreshToken }, 'query', revokePath)).status,
    ).toBe(400);
    expect((await refresh(zoho, kept.refreshToken)).access_token).toMatch(ZOHO_TOKEN);
  });

  it('keeps the clock offset, access-token expiry and refresh limit windows', async () => {
    const options = {
      statePath,
      accessTokenTtlS: 60,
      refreshLimit: { count: 2, windowMs: 60_000 },
    };
    const first = await start(options);
    const { accessToken, refreshToken } = await login(first.zoho, first.admin);
    await first.admin.advanceClock(30_000);
    await refresh(first.zoho, refreshToken);
    await refresh(first.zoho, refreshToken);
    await first.zoho.close();

    const { zoho, admin } = await start(options);

    expect((await admin.stats()).clock_offset_ms).toBe(30_000);
    expect(await refresh(zoho, refreshToken)).toEqual(THROTTLE_BODY);
    expect((await crmGet(zoho, CURRENT_USER, accessToken)).status).toBe(200);
    await admin.advanceClock(31_000);
    expect((await crmGet(zoho, CURRENT_USER, accessToken)).status).toBe(401);
    await admin.advanceClock(30_000);
    expect((await refresh(zoho, refreshToken)).access_token).toMatch(ZOHO_TOKEN);
  });

  it('keeps registered clients and offline consents', async () => {
    const callback = 'http://127.0.0.1:9/callback';
    const client = { client_id: '1000.SECONDCLIENT', client_secret: 'second-secret' };
    const authorize = async (zoho: RunningEmulator) => {
      const url = new URL('/oauth/v2/auth', zoho.accountsUrl);
      url.search = new URLSearchParams({
        client_id: client.client_id,
        response_type: 'code',
        redirect_uri: callback,
        scope: 'ZohoCRM.users.READ',
        access_type: 'offline',
      }).toString();
      const response = await fetch(url, { redirect: 'manual' });
      const code = new URL(String(response.headers.get('location'))).searchParams.get('code');
      const { body } = await postToken(zoho, {
        grant_type: 'authorization_code',
        ...client,
        redirect_uri: callback,
        code: String(code),
      });
      return body;
    };
    const first = await start({ statePath, autoApprove: true });
    await first.admin.registerClient({ ...client, redirect_uris: [callback] });
    expect((await authorize(first.zoho)).refresh_token).toMatch(ZOHO_TOKEN);
    await first.zoho.close();

    const { zoho } = await start({ statePath, autoApprove: true });
    const again = await authorize(zoho);

    // Not the first consent any more, so Zoho issues no new refresh token.
    expect(again.access_token).toMatch(ZOHO_TOKEN);
    expect(again).not.toHaveProperty('refresh_token');
  });

  it('has a token in the file before the response carrying it arrives', async () => {
    const { zoho, admin } = await start({ statePath });
    const { accessToken, refreshToken } = await login(zoho, admin);

    const text = readFileSync(statePath, 'utf8');
    expect(text).toContain(refreshToken);
    expect(text).toContain(accessToken);
    await Promise.all([zoho.close(), zoho.close()]);
  });

  it('writes the file with mode 0600 and leaves no temp files behind', async () => {
    const { zoho, admin } = await start({ statePath });
    await login(zoho, admin);

    expect(statSync(statePath).mode & 0o777).toBe(0o600);
    expect(readdirSync(folder)).toEqual(['state.json']);
    expect(savedJson()).toMatchObject({
      format: 'zoho-tokens-emulator-state',
      version: 1,
      port: zoho.port,
    });
  });

  it('creates a missing folder for the state file', async () => {
    statePath = join(folder, 'nested', 'deeper', 'state.json');
    const { zoho } = await start({ statePath });

    expect(zoho.stateRestored).toBe(false);
    expect(savedJson()).toMatchObject({ port: zoho.port });
  });

  it('stays readable through hundreds of concurrent changes, and keeps every one', async () => {
    const first = await start({ statePath });
    let reads = 0;
    let burstDone = false;
    const reader = (async () => {
      while (!burstDone) {
        JSON.parse(await readFile(statePath, 'utf8'));
        reads += 1;
      }
    })();
    const codes = await Promise.all(
      Array.from({ length: 300 }, (_, i) => first.admin.mintGrantCode(`user${i % 5}@example.com`)),
    );
    burstDone = true;
    await reader;
    await first.zoho.close();

    expect(reads).toBeGreaterThan(0);
    expect(readdirSync(folder)).toEqual(['state.json']);
    const saved = savedJson() as { tokens: { grantCodes: unknown[] } };
    expect(saved.tokens.grantCodes).toHaveLength(300);

    const { zoho } = await start({ statePath });
    const exchanged = await Promise.all(codes.slice(0, 50).map((code) => exchange(zoho, code)));
    expect(exchanged.every((body) => ZOHO_TOKEN.test(String(body.access_token)))).toBe(true);
  });
});

describe('state file: errors', () => {
  it.each([
    ['is not JSON', '{"format": "zoho-tokens-emulator-state", "vers', /is not valid JSON/],
    ['is empty', '', /is not valid JSON/],
    ['is another kind of JSON', '[1, 2, 3]', /the top level must be a JSON object/],
    [
      'is from another version',
      '{"format":"zoho-tokens-emulator-state","version":99}',
      /"version" is 99; this emulator reads version 1/,
    ],
  ])(
    'rejects a file that %s, naming it and leaving it byte-for-byte unchanged',
    async (_, text, detail) => {
      writeFileSync(statePath, text, { mode: 0o644 });
      const before = readFileSync(statePath);

      const started = startEmulator({ statePath });

      await expect(started).rejects.toBeInstanceOf(EmulatorStateError);
      await expect(started).rejects.toThrow(statePath);
      await expect(started).rejects.toThrow(detail);
      await expect(started).rejects.toMatchObject({ path: statePath });
      expect(readFileSync(statePath).equals(before)).toBe(true);
      expect(statSync(statePath).mode & 0o777).toBe(0o644);
      expect(readdirSync(folder)).toEqual(['state.json']);
    },
  );

  it('names the bad field in a state file with a damaged record', async () => {
    const first = await start({ statePath });
    await login(first.zoho, first.admin);
    await first.zoho.close();
    const saved = savedJson() as { tokens: { refreshTokens: Array<Record<string, unknown>> } };
    const damaged = saved.tokens.refreshTokens[0];
    if (damaged) damaged.scopes = 'ZohoCRM.users.READ';
    writeFileSync(statePath, JSON.stringify(saved));
    const before = readFileSync(statePath);

    await expect(startEmulator({ statePath })).rejects.toThrow(
      /"tokens\.refreshTokens\[0\]\.scopes" must be an array of strings/,
    );
    expect(readFileSync(statePath).equals(before)).toBe(true);
  });

  it('reports a state path it cannot read', async () => {
    await expect(startEmulator({ statePath: folder })).rejects.toThrow(
      new RegExp(`state file ${folder} cannot be read`),
    );
  });

  it('does not start listening when the state file is bad', async () => {
    const port = await freePort();
    writeFileSync(statePath, 'nope');

    await expect(startEmulator({ statePath, port })).rejects.toThrow(EmulatorStateError);
    expect(await occupy(port)).toBe(port);
  });
});

describe('port preference', () => {
  it('reuses the port saved in the state file when no port is given', async () => {
    const first = await start({ statePath });
    const { accessToken } = await login(first.zoho, first.admin);
    await first.zoho.close();

    const { zoho } = await start({ statePath });

    expect(zoho.port).toBe(first.zoho.port);
    expect(zoho.apiUrl).toBe(first.zoho.apiUrl);
    expect((await crmGet(zoho, CURRENT_USER, accessToken)).status).toBe(200);
  });

  it('takes a free port when the saved one is busy, and saves the new one', async () => {
    const first = await start({ statePath });
    const { refreshToken } = await login(first.zoho, first.admin);
    await first.zoho.close();
    await occupy(first.zoho.port);

    const { zoho } = await start({ statePath });

    expect(zoho.port).not.toBe(first.zoho.port);
    expect(zoho.stateRestored).toBe(true);
    expect(savedJson().port).toBe(zoho.port);
    expect((await refresh(zoho, refreshToken)).api_domain).toBe(`http://127.0.0.1:${zoho.port}`);
  });

  it('an explicit port wins over the saved one; port 0 asks for any free port', async () => {
    const first = await start({ statePath });
    await first.zoho.close();
    const wanted = await freePort();

    const explicit = await start({ statePath, port: wanted });
    expect(explicit.zoho.port).toBe(wanted);
    await explicit.zoho.close();
    const any = await start({ statePath, port: 0 });
    expect(any.zoho.port).not.toBe(wanted);
  });

  it('with portFallback uses the port when free and another when it is taken', async () => {
    const wanted = await freePort();
    const free = await start({ port: wanted, portFallback: true });
    expect(free.zoho.port).toBe(wanted);
    expect(free.zoho.apiUrl).toBe(`http://127.0.0.1:${wanted}`);
    await free.zoho.close();

    await occupy(wanted);
    const fallback = await start({ port: wanted, portFallback: true });

    expect(fallback.zoho.port).not.toBe(wanted);
    expect(fallback.zoho.apiUrl).toBe(`http://127.0.0.1:${fallback.zoho.port}`);
    await expect(startEmulator({ port: wanted })).rejects.toMatchObject({ code: 'EADDRINUSE' });
  });
});

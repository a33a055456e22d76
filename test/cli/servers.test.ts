import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EmulatorAdmin } from '../../src/emulator/index.js';
import { zohoEmulator } from '../support/zoho.js';
import { collect, emulatorEnv, runCli, startCli, storedTokens, tempFolder } from './cli.js';

let folder: ReturnType<typeof tempFolder>;
beforeEach(() => {
  folder = tempFolder();
});
afterEach(() => folder.remove());

/** Resolves with the first match of `pattern` in what the stream has written so far. */
function firstMatch(stream: NodeJS.ReadableStream, pattern: RegExp): Promise<RegExpExecArray> {
  let text = '';
  return new Promise((resolve, reject) => {
    const look = (chunk: Buffer) => {
      text += chunk.toString();
      const match = pattern.exec(text);
      if (match === null) return;
      stream.off('data', look);
      resolve(match);
    };
    stream.on('data', look);
    stream.once('end', () => reject(new Error(`stream ended without ${pattern}: ${text}`)));
  });
}

describe('zoho-tokens emulator', () => {
  it('prints one JSON line, serves the CLI, and stops on SIGTERM', async () => {
    const child = startCli(['emulator', '--access-token-ttl-s', '120', '--client-id', '1000.CLI']);
    const result = collect(child);
    const [line] = await firstMatch(child.stdout, /^.*\n/);
    const info = JSON.parse(line);
    expect(Object.keys(info).sort()).toEqual([
      'accounts_url',
      'admin_url',
      'api_url',
      'client_id',
      'client_secret',
    ]);
    expect(info.client_id).toBe('1000.CLI');

    const code = await new EmulatorAdmin(info.admin_url).mintGrantCode('emmy@example.com');
    const env = {
      ZOHO_TOKEN_STORE: `sqlite:${join(folder.path, 'tokens.db')}`,
      ZOHO_ACCOUNTS_URL: info.accounts_url,
      ZOHO_CLIENT_ID: info.client_id,
      ZOHO_CLIENT_SECRET: info.client_secret,
    };
    const login = await runCli(['--json', 'login', '--grant-code', code], { env });
    child.kill('SIGTERM');
    const { code: exitCode, stdout } = await result;

    expect(login.code).toBe(0);
    expect(JSON.parse(login.stdout).expires_at_ms - Date.now()).toBeLessThanOrEqual(120_000);
    expect(exitCode).toBe(0);
    expect(stdout.trim().split('\n')).toHaveLength(1);
  });
});

describe('zoho-tokens emulator and the app credentials', () => {
  it('never registers, or prints, a client from ZOHO_CLIENT_ID/SECRET', async () => {
    const env = { ZOHO_CLIENT_ID: '1000.REALAPP', ZOHO_CLIENT_SECRET: 'a-real-secret-0123456789' };
    const child = startCli(['emulator'], { env });
    const result = collect(child);
    const [line] = await firstMatch(child.stdout, /^.*\n/);
    child.kill('SIGTERM');
    const { code, stderr } = await result;

    expect(code).toBe(0);
    expect(JSON.parse(line).client_id).not.toBe(env.ZOHO_CLIENT_ID);
    expect(line + stderr).not.toContain(env.ZOHO_CLIENT_SECRET);
  });
});

describe('zoho-tokens emulator --state', () => {
  it('comes back on the same port with the same users', async () => {
    const state = join(folder.path, 'emulator.json');
    const infoOf = async () => {
      const child = startCli(['emulator', '--state', state]);
      const result = collect(child);
      const [line] = await firstMatch(child.stdout, /^.*\n/);
      const stop = async () => {
        child.kill('SIGTERM');
        return (await result).code;
      };
      return { info: JSON.parse(line), stop };
    };

    const first = await infoOf();
    const { user } = await new EmulatorAdmin(first.info.admin_url).mintGrantCodeDetailed(
      'emmy@example.com',
    );
    expect(await first.stop()).toBe(0);
    const second = await infoOf();
    const again = await new EmulatorAdmin(second.info.admin_url).user('emmy@example.com');
    expect(await second.stop()).toBe(0);

    expect(second.info.api_url).toBe(first.info.api_url);
    expect(again).toEqual(user);
  });
});

describe('zoho-tokens login --browser', () => {
  it('prints the consent URL, receives the redirect on loopback and stores the token', async () => {
    const zoho = await zohoEmulator({ autoApprove: true, defaultUser: 'browser@example.com' });
    const dbPath = join(folder.path, 'tokens.db');
    try {
      const child = startCli(['login', '--browser'], {
        env: emulatorEnv(zoho, `sqlite:${dbPath}`),
      });
      const result = collect(child);
      const [, consentUrl] = await firstMatch(child.stderr, /^ {2}(http\S+)$/m);
      const url = new URL(consentUrl!);
      expect(url.pathname).toBe('/oauth/v2/auth');
      expect(url.searchParams.get('access_type')).toBe('offline');
      expect(url.searchParams.get('redirect_uri')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);

      const browser = await fetch(url);
      const { code, stdout } = await result;

      expect(await browser.text()).toContain('sign-in received');
      expect(code).toBe(0);
      expect(stdout).toContain('stored token 1 for browser@example.com:');
      const [token] = await storedTokens(dbPath);
      expect(token!.refreshToken).not.toBeNull();
      expect(token!.redirectUrl).toBe(url.searchParams.get('redirect_uri'));
    } finally {
      await zoho.emulator.close();
    }
  });

  it('fails with one line when the user rejects the sign-in', async () => {
    const zoho = await zohoEmulator();
    try {
      const env = emulatorEnv(zoho, `sqlite:${join(folder.path, 'tokens.db')}`);
      const child = startCli(['login', '--browser'], { env });
      const result = collect(child);
      const [, consentUrl] = await firstMatch(child.stderr, /^ {2}(http\S+)$/m);
      const page = await (await fetch(consentUrl!)).text();
      const consentId = /name="consent_id" value="([0-9a-f]+)"/.exec(page)![1]!;
      await fetch(`${zoho.emulator.accountsUrl}/oauth/v2/auth/consent`, {
        method: 'POST',
        body: new URLSearchParams({ consent_id: consentId, decision: 'reject' }),
      });
      const { code, stderr } = await result;

      expect(code).toBe(1);
      const lastLine = stderr.trim().split('\n').at(-1);
      expect(lastLine).toBe(
        'zoho-tokens: sign-in did not give a grant code (access_denied) [ERR_OAUTH_REJECTED]',
      );
    } finally {
      await zoho.emulator.close();
    }
  });
});

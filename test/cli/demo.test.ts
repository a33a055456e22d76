import { existsSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator } from '../../src/emulator/index.js';
import { type CliResult, runCli, secretsOf, storedTokens, tempFolder } from './cli.js';

let folder: ReturnType<typeof tempFolder>;
beforeEach(() => {
  folder = tempFolder();
});
afterEach(() => folder.remove());

const demo = (...args: string[]) => runCli(['demo', ...args], { cwd: folder.path });
const dbPath = () => join(folder.path, 'zohooauth.db');
const statePath = () => join(folder.path, 'zohooauth.emulator.json');

/** Every token value the store or the emulator ever held: none may be printed. */
async function expectNoSecrets(...results: CliResult[]) {
  const emulatorTokens = readFileSync(statePath(), 'utf8').match(
    /1000\.[0-9a-f]{32}\.[0-9a-f]{32}/g,
  );
  const secrets = [...secretsOf(await storedTokens(dbPath())), ...(emulatorTokens ?? [])];
  expect(secrets.length).toBeGreaterThan(2);
  for (const result of results) {
    for (const secret of secrets) expect(`${result.stdout}${result.stderr}`).not.toContain(secret);
  }
}

describe('zoho-tokens demo', () => {
  it('logs in, then reuses the stored token next run; 100 calls share 1 refresh', async () => {
    const first = await demo();
    const second = await demo('--json');

    expect(first.code).toBe(0);
    expect(first.stderr).toBe('');
    expect(first.stdout).toMatch(/^1\. exchanged a self-client grant code for demo@example\.com/m);
    expect(first.stdout).toMatch(
      /100 concurrent GET \/crm\/v8\/Leads → 100 × 200, sharing 1 refresh/,
    );
    expect(first.stdout).toMatch(/refresh count: 1 at the emulator .* 1 in manager\.stats/);
    expect(first.stdout).toContain('demo@example.com:');
    expect(existsSync(dbPath())).toBe(true);
    expect(existsSync(statePath())).toBe(true);

    expect(second.code).toBe(0);
    const summary = JSON.parse(second.stdout);
    expect(summary).toMatchObject({
      ok: true,
      token: { id: '1', source: 'stored' },
      calls: { count: 100, statuses: { 200: 100 } },
      refreshes: { emulator: 1, manager: 1 },
      token_requests: { authorization_code: 0, refresh_token: 1 },
    });
    expect(summary.steps[0]).toMatch(/^found the stored token 1 for demo@example\.com:\d+/);
    expect(summary.tokens).toHaveLength(1);
    await expectNoSecrets(first, second);
  });

  it('logs in again, saying why, when the emulator that issued the token is gone', async () => {
    await demo();
    const { apiDomain } = (await storedTokens(dbPath()))[0]!;
    rmSync(statePath());
    // Hold the old port, so that the new emulator cannot land on it by chance.
    const blocker = createServer();
    await new Promise<void>((resolve) =>
      blocker.listen(Number(new URL(apiDomain!).port), '127.0.0.1', resolve),
    );

    const again = await demo().finally(() => blocker.close());

    expect(again.code).toBe(0);
    expect(again.stdout).toContain(
      `stored token 1 came from an emulator at ${apiDomain}: logging in again`,
    );
    const tokens = await storedTokens(dbPath());
    expect(tokens.map((token) => token.id)).toEqual(['1']);
    expect(tokens[0]!.apiDomain).not.toBe(apiDomain);
    expect(again.stdout).toContain('sharing 1 refresh');
  });

  it('logs in again, saying why, when the emulator refuses the stored token', async () => {
    await demo();
    const [token] = await storedTokens(dbPath());
    const emulator = await startEmulator({ statePath: statePath() });
    const revoked = await fetch(
      `${emulator.accountsUrl}/oauth/v2/token/revoke?token=${token!.refreshToken}`,
      { method: 'POST' },
    );
    await emulator.close();
    expect(revoked.status).toBe(200);

    const again = await demo();

    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/the emulator refused stored token 1 \(.*needs a new login.*\)/);
    expect(again.stdout).toContain('logging in again');
    expect(again.stdout).toContain('sharing 1 refresh');
    await expectNoSecrets(again);
  });

  it('keeps the store and the emulator state where --store says', async () => {
    const result = await runCli(['--store', `sqlite:${join(folder.path, 'sub.db')}`, 'demo'], {
      cwd: folder.path,
    });

    expect(result.code).toBe(0);
    expect(existsSync(join(folder.path, 'sub.emulator.json'))).toBe(true);
    expect(existsSync(dbPath())).toBe(false);
  });
});

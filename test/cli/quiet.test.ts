import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type ZohoFixture, zohoEmulator } from '../support/zoho.js';
import { emulatorEnv, loggedIn, runCli, secretsOf, storedTokens, tempFolder } from './cli.js';

let zoho: ZohoFixture;
let folder: ReturnType<typeof tempFolder>;
let dbPath: string;

beforeAll(async () => {
  zoho = await zohoEmulator();
});
afterAll(async () => {
  await zoho.emulator.close();
});
beforeEach(async () => {
  folder = tempFolder();
  dbPath = join(folder.path, 'tokens.db');
  await loggedIn(zoho, dbPath, 'ada@example.com');
});
afterEach(async () => {
  await zoho.admin.clearFaults();
  folder.remove();
});

const cli = (...args: string[]) =>
  runCli(args, { cwd: folder.path, env: emulatorEnv(zoho, `sqlite:${dbPath}`) });

describe('zoho-tokens logging', () => {
  it('prints nothing on stderr when a token request succeeds after a retry', async () => {
    await zoho.admin.setFaults({ server_errors: 1 });

    const result = await cli('refresh', '1');

    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/^refreshed token 1/);
  });

  it('prints only the final error line when every retry fails', async () => {
    await zoho.admin.setFaults({ server_errors: 10 });

    const result = await cli('refresh', '1');

    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/^zoho-tokens: .* \[ERR_OAUTH_UNAVAILABLE\]\n$/);
  });

  it('shows the retries and other debug lines with --verbose, never a secret', async () => {
    await zoho.admin.setFaults({ server_errors: 1 });

    const result = await cli('refresh', '1', '--verbose');

    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/^zoho-tokens: debug opening store /m);
    expect(result.stderr).toMatch(/^zoho-tokens: warn token request failed; retrying \{.+\}$/m);
    for (const secret of secretsOf(await storedTokens(dbPath))) {
      expect(result.stderr).not.toContain(secret);
    }
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { type ZohoFixture, zohoEmulator } from '../support/zoho.js';
import {
  type CliResult,
  emulatorEnv,
  loggedIn,
  runCli,
  runCliOnTerminal,
  secretsOf,
  storedTokens,
  tempFolder,
} from './cli.js';

let zoho: ZohoFixture;
let folder: ReturnType<typeof tempFolder>;
let dbPath: string;
let env: Record<string, string>;

beforeAll(async () => {
  zoho = await zohoEmulator();
});
afterAll(async () => {
  await zoho.emulator.close();
});
beforeEach(() => {
  folder = tempFolder();
  dbPath = join(folder.path, 'tokens.db');
  env = emulatorEnv(zoho, `sqlite:${dbPath}`);
});
afterEach(() => folder.remove());

const cli = (...args: string[]) => runCli(args, { env, cwd: folder.path });

async function refreshCount(): Promise<number> {
  return (await zoho.admin.stats()).token_requests.refresh_token;
}

/** No raw secret of any stored token anywhere in what the CLI printed. */
async function expectNoSecrets(...results: CliResult[]) {
  const secrets = secretsOf(await storedTokens(dbPath));
  expect(secrets.length).toBeGreaterThan(0);
  for (const { stdout, stderr } of results) {
    for (const secret of secrets) {
      expect(stdout).not.toContain(secret);
      expect(stderr).not.toContain(secret);
    }
  }
}

describe('zoho-tokens login', () => {
  it('exchanges a grant code, stores the token under email:zgid and prints it masked', async () => {
    const code = await zoho.admin.mintGrantCode('grace@example.com');
    const { zgid } = (await zoho.admin.user('grace@example.com')).org;

    const result = await cli('login', '--grant-code', code);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`stored token 1 for grace@example.com:${zgid}`);
    const [token] = await storedTokens(dbPath);
    expect(token!.userSignature).toBe(`grace@example.com:${zgid}`);
    expect(token!.apiDomain).toBe(zoho.emulator.apiUrl);
    expect(result.stdout).toContain(`${token!.refreshToken!.slice(0, 4)}…`);
    await expectNoSecrets(result);
  });

  it('stores the token under --user, with credentials given as flags', async () => {
    const code = await zoho.admin.mintGrantCode('hedy@example.com');
    const { ZOHO_CLIENT_ID, ZOHO_CLIENT_SECRET, ...withoutClient } = env;
    const flags = ['--client-id', ZOHO_CLIENT_ID!, '--client-secret', ZOHO_CLIENT_SECRET!];

    const result = await runCli(['login', ...flags, '--grant-code', code, '--user', 'hedy'], {
      env: withoutClient,
    });

    expect(result.code).toBe(0);
    expect((await storedTokens(dbPath)).map((t) => t.userSignature)).toEqual(['hedy']);
  });

  it('takes the credentials as global options, before the command', async () => {
    const code = await zoho.admin.mintGrantCode('hedy@example.com');
    const { ZOHO_CLIENT_ID, ZOHO_CLIENT_SECRET, ...withoutClient } = env;
    const flags = ['--client-id', ZOHO_CLIENT_ID!, '--client-secret', ZOHO_CLIENT_SECRET!];

    const result = await runCli([...flags, 'login', '--grant-code', code], { env: withoutClient });

    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^stored token 1 for hedy@example\.com:\d+/);
  });

  it('says the token is already stored for a grant code it exchanged before', async () => {
    const code = await zoho.admin.mintGrantCode('grace@example.com');
    await cli('login', '--grant-code', code);
    const before = (await zoho.admin.stats()).token_requests.authorization_code;

    const again = await cli('login', '--grant-code', code);

    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(
      /^found token 1 for grace@example\.com:\d+ in sqlite:.* \(already stored for this grant code; not exchanged\)\n/,
    );
    expect(again.stdout).not.toContain('stored token');
    expect((await zoho.admin.stats()).token_requests.authorization_code).toBe(before);
    expect(await storedTokens(dbPath)).toHaveLength(1);
  });

  it('refuses to log in into a store that ends with the command, keeping the code', async () => {
    const code = await zoho.admin.mintGrantCode('grace@example.com');

    const memory = await cli('--store', 'memory:', 'login', '--grant-code', code);
    const sqliteMemory = await cli('--store', 'sqlite::memory:', 'login', '--grant-code', code);
    const lasting = await cli('login', '--grant-code', code);

    for (const refused of [memory, sqliteMemory]) {
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(
        /^zoho-tokens: login would keep the token in .*memory:, which is gone when the command ends: pass a lasting --store, e\.g\. sqlite:zohooauth\.db \[ERR_STORE_URL\]\n$/,
      );
    }
    expect(lasting.code).toBe(0);
    expect(lasting.stdout).toMatch(/^stored token 1 for grace@example\.com/);
  });

  it('refuses to log in without client credentials, as a usage error', async () => {
    const { ZOHO_CLIENT_ID, ZOHO_CLIENT_SECRET, ...withoutClient } = env;

    const result = await runCli(['login', '--grant-code', 'x'], { env: withoutClient });

    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/^zoho-tokens: login needs --client-id .*\[ERR_USAGE\]$/m);
  });
});

describe('zoho-tokens list and show', () => {
  it('lists tokens as a table with masked secrets', async () => {
    const token = await loggedIn(zoho, dbPath, 'ada@example.com');

    const result = await cli('list');

    expect(result.code).toBe(0);
    for (const heading of ['id', 'user', 'api_domain', 'expires_at', 'state']) {
      expect(result.stdout).toContain(heading);
    }
    expect(result.stdout).toContain(token.userSignature!);
    expect(result.stdout).toMatch(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \(in (59|60) min\)/);
    expect(result.stdout).toContain(
      `${token.accessToken!.slice(0, 4)}…${token.accessToken!.slice(-4)}`,
    );
    await expectNoSecrets(result);
  });

  it('lists tokens as JSON with masked secrets', async () => {
    const token = await loggedIn(zoho, dbPath, 'ada@example.com');
    await loggedIn(zoho, dbPath, 'alan@example.com');

    const result = await cli('--json', 'list');
    const rows = JSON.parse(result.stdout) as Record<string, unknown>[];

    expect(result.code).toBe(0);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({
      id: '1',
      user: token.userSignature,
      api_domain: zoho.emulator.apiUrl,
      expires_at: new Date(token.expiresAt!).toISOString(),
      refresh_token: `${token.refreshToken!.slice(0, 4)}…${token.refreshToken!.slice(-4)}`,
      state: null,
    });
    await expectNoSecrets(result);
  });

  it('says so when the store is empty', async () => {
    const result = await cli('list');

    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe(`no tokens in sqlite:${dbPath}`);
  });

  it('shows one token masked, and reveals one secret alone on request', async () => {
    const token = await loggedIn(zoho, dbPath, 'ada@example.com');

    const shown = await cli('show', '1');
    const revealed = await cli('show', '1', '--reveal', 'refresh_token');

    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain(token.userSignature!);
    expect(shown.stdout).toContain(zoho.client.clientId);
    await expectNoSecrets(shown);
    expect(revealed.code).toBe(0);
    expect(revealed.stdout).toBe(`${token.refreshToken}\n`);
    expect(revealed.stderr).toBe('');
  });

  it('rejects an unknown --reveal field as a usage error', async () => {
    await loggedIn(zoho, dbPath, 'ada@example.com');

    const result = await cli('show', '1', '--reveal', 'password');

    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^zoho-tokens: .*--reveal.*\[ERR_USAGE\]\n$/);
  });
});

describe('zoho-tokens refresh, revoke, delete, purge', () => {
  it('refreshes a token: one more refresh at the emulator, a new access token stored', async () => {
    const token = await loggedIn(zoho, dbPath, 'ada@example.com');
    const before = await refreshCount();

    const result = await cli('refresh', '1');

    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^refreshed token 1: access token expires .*\(in 60 min\)\n$/);
    expect(await refreshCount()).toBe(before + 1);
    const [stored] = await storedTokens(dbPath);
    expect(stored!.accessToken).not.toBe(token.accessToken);
    await expectNoSecrets(result);
  });

  it('refreshes a token marked needs login (the mark is not trusted) and clears the mark', async () => {
    const token = await loggedIn(zoho, dbPath, 'ada@example.com');
    const store = new SqliteStore({ path: dbPath });
    await store.saveToken(token.with({ state: { kind: 'needs-login', reason: 'invalid_code' } }));
    await store.close();
    const before = await refreshCount();

    const result = await cli('refresh', '1');

    expect(result.code).toBe(0);
    expect(await refreshCount()).toBe(before + 1);
    expect((await storedTokens(dbPath))[0]!.state).toBeNull();
  });

  it('fails with ERR_NEEDS_LOGIN when Zoho refuses the refresh, and marks the token', async () => {
    await loggedIn(zoho, dbPath, 'ada@example.com');
    await zoho.admin.setFaults({ invalid_code: 1 });

    const result = await cli('refresh', '1').finally(() => zoho.admin.clearFaults());

    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^zoho-tokens: .* \[ERR_NEEDS_LOGIN\]\n$/);
    expect((await storedTokens(dbPath))[0]!.state).toMatchObject({ kind: 'needs-login' });
  });

  it('revokes a token at the emulator and deletes it from the store', async () => {
    await loggedIn(zoho, dbPath, 'ada@example.com');
    const before = (await zoho.admin.stats()).revocations;

    const result = await cli('revoke', '1');

    expect(result.code).toBe(0);
    expect(result.stdout).toContain('revoked token 1');
    expect((await zoho.admin.stats()).revocations).toBe(before + 1);
    expect(await storedTokens(dbPath)).toEqual([]);
  });

  it('says how to delete a token Zoho already considers revoked, and keeps it', async () => {
    const token = await loggedIn(zoho, dbPath, 'ada@example.com');
    const revokeUrl = `${zoho.emulator.accountsUrl}/oauth/v2/token/revoke`;
    await fetch(`${revokeUrl}?token=${token.refreshToken}`, { method: 'POST' });

    const result = await cli('revoke', '1');

    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^zoho-tokens: revoke: .*; the token may already be revoked: zoho-tokens delete 1 removes it from the store \[ERR_OAUTH_REJECTED\]\n$/,
    );
    expect((await storedTokens(dbPath)).map((t) => t.id)).toEqual(['1']);
  });

  it('deletes one token from the store only', async () => {
    await loggedIn(zoho, dbPath, 'ada@example.com');
    const kept = await loggedIn(zoho, dbPath, 'alan@example.com');
    const before = (await zoho.admin.stats()).revocations;

    const result = await cli('delete', '1');

    expect(result.code).toBe(0);
    expect((await storedTokens(dbPath)).map((t) => t.id)).toEqual([kept.id]);
    expect((await zoho.admin.stats()).revocations).toBe(before);
  });

  it('purges only with --yes when stdin is not a terminal', async () => {
    await loggedIn(zoho, dbPath, 'ada@example.com');
    await loggedIn(zoho, dbPath, 'alan@example.com');

    const refused = await cli('purge');
    const kept = await storedTokens(dbPath);
    const purged = await cli('purge', '--yes');

    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^zoho-tokens: purge deletes every token: pass --yes .*\n$/);
    expect(kept).toHaveLength(2);
    expect(purged.code).toBe(0);
    expect(purged.stdout.trim()).toBe(`deleted 2 tokens from sqlite:${dbPath}`);
    expect(await storedTokens(dbPath)).toEqual([]);
  });
});

describe('zoho-tokens purge on a terminal', () => {
  it('deletes nothing and exits 1 when the user declines, and deletes on yes', async () => {
    await loggedIn(zoho, dbPath, 'ada@example.com');
    await loggedIn(zoho, dbPath, 'alan@example.com');

    const declined = await runCliOnTerminal(['purge'], 'n\n', { env, cwd: folder.path });
    const kept = await storedTokens(dbPath);
    const accepted = await runCliOnTerminal(['purge'], 'y\n', { env, cwd: folder.path });

    expect(declined.code).toBe(1);
    expect(declined.stdout).toContain(`delete all 2 tokens in sqlite:${dbPath}? [y/N]`);
    expect(declined.stdout).toMatch(
      /^zoho-tokens: purge cancelled; nothing deleted \[ERR_CANCELLED\]\r?$/m,
    );
    expect(kept).toHaveLength(2);
    expect(accepted.code).toBe(0);
    expect(accepted.stdout).toContain('deleted 2 tokens');
    expect(await storedTokens(dbPath)).toEqual([]);
  });
});

describe('zoho-tokens api', () => {
  it('prints the body and refreshes once when the emulator expired the access token', async () => {
    const token = await loggedIn(zoho, dbPath, 'ada@example.com');
    await zoho.admin.expireAccessTokens();
    const before = await refreshCount();

    const result = await cli('api', '/crm/v8/users?type=CurrentUser');

    expect(result.code).toBe(0);
    const body = JSON.parse(result.stdout) as { users: { email: string }[] };
    expect(body.users[0]!.email).toBe('ada@example.com');
    expect(await refreshCount()).toBe(before + 1);
    expect((await storedTokens(dbPath))[0]!.accessToken).not.toBe(token.accessToken);
    await expectNoSecrets(result);
  });

  it('picks a token by --user or --id, and lists the choices when neither is given', async () => {
    const ada = await loggedIn(zoho, dbPath, 'ada@example.com');
    const alan = await loggedIn(zoho, dbPath, 'alan@example.com');

    const unnamed = await cli('api', '/crm/v8/users?type=CurrentUser');
    const byUser = await cli(
      'api',
      '/crm/v8/users?type=CurrentUser',
      '--user',
      alan.userSignature!,
    );
    const byId = await cli('--json', 'api', '/crm/v8/users?type=CurrentUser', '--id', ada.id!);

    expect(unnamed.code).toBe(2);
    expect(unnamed.stdout).toBe('');
    expect(unnamed.stderr).toBe(
      'zoho-tokens: 2 tokens are stored; choose one with --id or --user: ' +
        `1 (${ada.userSignature}), 2 (${alan.userSignature}) [ERR_USAGE]\n`,
    );
    expect(JSON.parse(byUser.stdout).users[0].email).toBe('alan@example.com');
    expect(JSON.parse(byId.stdout).users[0].email).toBe('ada@example.com');
  });

  it('runs every api example of docs/cli.md against the emulator', async () => {
    const ada = await loggedIn(zoho, dbPath, 'ada@example.com');
    const docs = readFileSync(new URL('../../docs/cli.md', import.meta.url), 'utf8');
    const section = docs.slice(docs.indexOf('### `api PATH`'), docs.indexOf('### `emulator`'));
    const lines = section.split('\n').filter((line) => line.startsWith('zoho-tokens api '));
    expect(lines.length).toBeGreaterThanOrEqual(3);

    for (const line of lines) {
      // The documented user is an example: the emulator gives ada her own zgid.
      const words = line.replace(/ada@example\.com:\d+/, ada.userSignature!).match(/'[^']*'|\S+/g)!;
      const args = words.slice(1).map((word) => word.replace(/^'(.*)'$/, '$1'));

      const result = await cli(...args);

      expect(result.code, line).toBe(0);
      expect(() => JSON.parse(result.stdout), line).not.toThrow();
    }
  });

  it('refuses an invalid method or a body with GET as a usage error, before any request', async () => {
    await loggedIn(zoho, dbPath, 'ada@example.com');
    const before = (await zoho.admin.stats()).api_calls;

    const spaced = await cli('api', '/crm/v8/org', '--method', 'GE T');
    const getBody = await cli('api', '/crm/v8/org', '-X', 'GET', '--data', '{}');
    const headBody = await cli('api', '/crm/v8/org', '-X', 'head', '-d', '{}');

    expect(spaced.code).toBe(2);
    expect(spaced.stderr).toBe(
      'zoho-tokens: --method must be one of GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS, ' +
        'not "GE T" [ERR_USAGE]\n',
    );
    expect(getBody.code).toBe(2);
    expect(getBody.stderr).toBe(
      'zoho-tokens: --data cannot be sent with GET; use -X POST, PUT or PATCH [ERR_USAGE]\n',
    );
    expect(headBody.code).toBe(2);
    expect(headBody.stderr).toMatch(/^zoho-tokens: --data cannot be sent with HEAD; .*\n$/);
    expect((await zoho.admin.stats()).api_calls).toBe(before);
  });

  it('prints the error body and exits 1 when the CRM answers an error', async () => {
    await loggedIn(zoho, dbPath, 'ada@example.com');

    const result = await cli('api', '/crm/v8/NoSuchModule');

    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toHaveProperty('code');
    expect(result.stderr).toMatch(/^zoho-tokens: crm answered 4\d\d [A-Z_]+ \[ERR_API\]\n$/);
  });
});

describe('errors and help', () => {
  it('prints one line with a typed code and exits 1 for an unknown token', async () => {
    const result = await cli('show', '99');

    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      'zoho-tokens: no stored token with id 99 (see list) [ERR_TOKEN_NOT_FOUND]\n',
    );
  });

  it('refuses to send an emulator token anywhere but its own environment', async () => {
    await loggedIn(zoho, dbPath, 'ada@example.com');
    const { ZOHO_ACCOUNTS_URL, ZOHO_API_URL, ...defaultDataCentre } = env;
    const before = await refreshCount();

    const result = await runCli(['refresh', '1'], { env: defaultDataCentre });

    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `zoho-tokens: token 1 belongs to ${zoho.emulator.apiUrl}, which is no Zoho data centre: ` +
        `pass --api-url ${zoho.emulator.apiUrl} (and --accounts-url, when it differs) ` +
        '[ERR_DATA_CENTRE]\n',
    );
    expect(await refreshCount()).toBe(before);
  });

  it('adds the cause chain with --verbose', async () => {
    const missing = join(folder.path, 'no', 'such', 'folder', 'x.db');
    const quiet = await runCli(['list', '--store', `sqlite:${missing}`]);
    const verbose = await runCli(['list', '--store', `sqlite:${missing}`, '--verbose']);

    expect(quiet.code).toBe(1);
    expect(quiet.stderr.trim().split('\n')).toHaveLength(1);
    expect(quiet.stderr).toMatch(/^zoho-tokens: .* \[ERR_STORE_UNAVAILABLE\]\n$/);
    expect(verbose.code).toBe(1);
    const errorAt = verbose.stderr.indexOf(quiet.stderr);
    expect(errorAt).toBeGreaterThanOrEqual(0);
    const causes = verbose.stderr.slice(errorAt + quiet.stderr.length);
    expect(causes).toMatch(/^( {2}caused by: .+\n)+$/);
  });

  it('exits 2 with one line for an unknown option or command', async () => {
    const option = await cli('list', '--colour');
    const command = await cli('lsit');

    expect(option.code).toBe(2);
    expect(option.stderr).toBe("zoho-tokens: unknown option '--colour' [ERR_USAGE]\n");
    expect(command.code).toBe(2);
    expect(command.stderr).toMatch(/^zoho-tokens: unknown command 'lsit'.*\[ERR_USAGE\]\n$/);
  });

  it('never prints a password from a store URL, even with --verbose', async () => {
    const urls = [
      'mysql://root:hunter2@127.0.0.1:1/zt?connectTimeoutMs=500',
      'postgres://root:hunter2@127.0.0.1:1/zt?connectTimeoutMs=500',
      'redis://:hunter2@127.0.0.1:1/0?connectTimeoutMs=500',
      'encrypted+mysql://root:hunter2@127.0.0.1:1/zt',
      'mysql://root@127.0.0.1:1/zt?password=hunter2',
    ];

    const results = await Promise.all(
      urls.map((url) => runCli(['list', '--verbose', '--store', url])),
    );

    for (const result of results) {
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('****');
      expect(result.stdout + result.stderr).not.toContain('hunter2');
    }
  });

  it('prints the version of package.json with --version and -V', async () => {
    const { version } = JSON.parse(
      readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
    );

    const long = await cli('--version');
    const short = await cli('-V');

    expect(long.code).toBe(0);
    expect(long.stdout).toBe(`${version}\n`);
    expect(short.stdout).toBe(`${version}\n`);
  });

  it('describes every command, its environment variables and examples in --help', async () => {
    const main = await cli('--help');
    const api = await cli('api', '--help');

    expect(main.code).toBe(0);
    const commands = ['demo', 'login', 'list', 'show', 'refresh', 'revoke', 'delete', 'purge'];
    for (const command of [...commands, 'api', 'emulator', 'migrate', 'verify-store']) {
      expect(main.stdout).toMatch(new RegExp(`^  ${command} .*\\w`, 'm'));
    }
    const variables = ['ZOHO_TOKEN_STORE', 'ZOHO_DC', 'ZOHO_ACCOUNTS_URL', 'ZOHO_API_URL'];
    for (const variable of [...variables, 'ZOHO_CLIENT_ID', 'ZOHO_CLIENT_SECRET']) {
      expect(main.stdout).toContain(variable);
    }
    expect(main.stdout).toContain('Examples:');
    expect(api.code).toBe(0);
    expect(api.stdout).toContain('Examples:');
    expect(api.stdout).toContain('$ zoho-tokens api');
  });
});

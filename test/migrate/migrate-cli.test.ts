import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { migrateCommand, runMigrateCommand } from '../../src/cli/commands/migrate.js';
import { OAuthToken } from '../../src/token/oauth-token.js';
import { canonicalTokens, closeAll, fixtureCopy, open, tempDir } from './migrate-helpers.js';

let stdout: string[];

beforeEach(() => {
  stdout = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout.push(String(chunk));
    return true;
  });
});

afterEach(async () => {
  vi.restoreAllMocks();
  await closeAll();
});

/** A non-terminal stream collecting what the progress reporter writes. */
function progressSink(): { stream: PassThrough; text(): string } {
  const stream = new PassThrough();
  const chunks: string[] = [];
  stream.on('data', (chunk) => chunks.push(String(chunk)));
  return { stream, text: () => chunks.join('') };
}

function urls(dir: string) {
  return {
    from: `sqlite:${fixtureCopy('kaizen192-sqlite-store.db', dir)}`,
    to: `file:${join(dir, 'sdk_tokens.csv')}`,
  };
}

describe('zoho-tokens migrate', () => {
  it('--json prints the report as JSON on stdout', async () => {
    const dir = tempDir();
    const { from, to } = urls(dir);
    const program = new Command().option('--json').exitOverride();
    migrateCommand(program);

    await program.parseAsync(['migrate', '--from', from, '--to', to, '--json'], { from: 'user' });

    const report = JSON.parse(stdout.join(''));
    expect(report).toMatchObject({ from, to, copied: 2, total: 2, verified: true, dry_run: false });
    expect(report.target_checksum).toBe(report.checksum);
    expect(await canonicalTokens(await open(to))).toEqual(await canonicalTokens(await open(from)));
  });

  it('prints plain progress lines when stderr is not a terminal, then a summary', async () => {
    const dir = tempDir();
    const progress = progressSink();

    await runMigrateCommand({ ...urls(dir), progress: progress.stream });

    expect(progress.text()).toBe('migrating: 1/2 tokens\nmigrating: 2/2 tokens\n');
    const output = stdout.join('');
    expect(output).toContain('migrated 2 tokens from sqlite:');
    expect(output).toContain('2 copied, 0 updated, 0 unchanged');
    expect(output).toMatch(/verified: 2 tokens, sha256 [0-9a-f]{64}/);
  });

  it('draws a progress bar when stderr is a terminal', async () => {
    const progress = progressSink();
    const terminal = Object.assign(progress.stream, { isTTY: true, columns: 80 });

    await runMigrateCommand({ ...urls(tempDir()), progress: terminal });

    expect(progress.text()).toContain('migrating [');
    expect(progress.text()).toContain('] 2/2 tokens');
  });

  it('--dry-run writes nothing', async () => {
    const dir = tempDir();
    const { from, to } = urls(dir);

    const report = await runMigrateCommand({ from, to, dryRun: true, progress: new PassThrough() });

    expect(report).toMatchObject({ dryRun: true, copied: 2, verified: false });
    expect(stdout.join('')).toContain('dry run, nothing written');
    expect(await (await open(to)).getTokens()).toEqual([]);
  });

  it('fails with ERR_MIGRATION_UNVERIFIED when the target ends up different', async () => {
    const dir = tempDir();
    const { from } = urls(dir);
    const to = `sqlite:${join(dir, 'target.db')}`;
    const target = await open(to);
    await target.saveToken(new OAuthToken({ id: '7', userSignature: 'z', refreshToken: 'rt-z' }));
    await target.close?.();

    const run = runMigrateCommand({ from, to, progress: new PassThrough() });

    await expect(run).rejects.toMatchObject({ code: 'ERR_MIGRATION_UNVERIFIED' });
    expect(stdout.join('')).toContain('the target also holds ids 7');
  });
});

import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type ZohoFixture, zohoEmulator } from '../support/zoho.js';
import { emulatorEnv, loggedIn, runCli, tempFolder } from './cli.js';

let zoho: ZohoFixture;
let folder: ReturnType<typeof tempFolder>;

beforeAll(async () => {
  zoho = await zohoEmulator();
});
afterAll(async () => {
  await zoho.emulator.close();
});
beforeEach(() => {
  folder = tempFolder();
});
afterEach(() => folder.remove());

/** `zoho-tokens ARGS | head -c 0`: the reader is gone before the CLI writes a byte. */
const intoClosedPipe = (args: string[], env: Record<string, string> = {}) =>
  runCli(args, { cwd: folder.path, env, closeStdout: true });

describe('zoho-tokens piped into a reader that stops early (| head)', () => {
  it('exits 0 without a stack trace for --help', async () => {
    const result = await intoClosedPipe(['--help']);

    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  it('exits 0 without a stack trace for list', async () => {
    const dbPath = join(folder.path, 'tokens.db');
    await loggedIn(zoho, dbPath, 'ada@example.com');

    const result = await intoClosedPipe(['list'], emulatorEnv(zoho, `sqlite:${dbPath}`));

    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  it('finishes the demo quietly with status 0, its store written', async () => {
    const result = await intoClosedPipe(['demo']);
    const list = await runCli(['--json', 'list'], { cwd: folder.path });

    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(JSON.parse(list.stdout)).toHaveLength(1);
  });
});

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { OAuthToken } from '../../src/token/oauth-token.js';
import { managerFor, type ZohoFixture } from '../support/zoho.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MAIN = join(ROOT, 'src/cli/main.ts');
// An absolute loader URL: the CLI runs in temp folders, where `--import tsx` would not resolve.
const TSX = pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;

/** What one CLI run left behind. */
export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliRun {
  cwd?: string;
  env?: Record<string, string>;
  /** Run this file instead of the TypeScript source (the built `cli.js`). */
  executable?: string;
  /** Close the reading end of stdout at once, as `| head` does once it has read enough. */
  closeStdout?: boolean;
}

/** Runs `zoho-tokens ARGS` in its own process, with no ZOHO_* variables but `env`'s. */
export function runCli(args: string[], run: CliRun = {}): Promise<CliResult> {
  const command = run.executable ?? process.execPath;
  const argv = run.executable ? args : ['--import', TSX, MAIN, ...args];
  const child = spawn(command, argv, {
    cwd: run.cwd ?? ROOT,
    env: { ...cleanEnv(), ...run.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (run.closeStdout) child.stdout.destroy();
  return collect(child);
}

/**
 * Runs `zoho-tokens ARGS` on a pseudo-terminal (util-linux `script`), as a user at a prompt,
 * typing `input`. stdout and stderr arrive together, as on a terminal.
 */
export function runCliOnTerminal(
  args: string[],
  input: string,
  run: CliRun = {},
): Promise<CliResult> {
  const command = [process.execPath, '--import', TSX, MAIN, ...args].map(shellWord).join(' ');
  const child = spawn('script', ['--quiet', '--return', '--command', command, '/dev/null'], {
    cwd: run.cwd ?? ROOT,
    env: { ...cleanEnv(), ...run.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  child.stdin.end(input);
  return collect(child);
}

function shellWord(word: string): string {
  return `'${word.replaceAll("'", "'\\''")}'`;
}

/** Starts `zoho-tokens ARGS` and hands back the process, for commands that keep running. */
export function startCli(args: string[], run: CliRun = {}) {
  return spawn(process.execPath, ['--import', TSX, MAIN, ...args], {
    cwd: run.cwd ?? ROOT,
    env: { ...cleanEnv(), ...run.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

export function collect(child: ReturnType<typeof spawn>): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The variables that point the CLI at the emulator and a store: what a user would export. */
export function emulatorEnv(zoho: ZohoFixture, storeUrl: string): Record<string, string> {
  return {
    ZOHO_TOKEN_STORE: storeUrl,
    ZOHO_ACCOUNTS_URL: zoho.emulator.accountsUrl,
    ZOHO_API_URL: zoho.emulator.apiUrl,
    ZOHO_CLIENT_ID: zoho.client.clientId,
    ZOHO_CLIENT_SECRET: zoho.client.clientSecret,
  };
}

/** A temp folder for one test, and its removal. */
export function tempFolder(): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), 'zoho-tokens-cli-'));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** Logs a user in through the library, straight into the SQLite file: fast test set-up. */
export async function loggedIn(zoho: ZohoFixture, dbPath: string, email: string) {
  const store = new SqliteStore({ path: dbPath });
  try {
    const code = await zoho.admin.mintGrantCode(email);
    return await managerFor(zoho, store).exchangeGrantCode(code);
  } finally {
    await store.close();
  }
}

/** Every stored token, with its secrets, to check that none of them is ever printed. */
export async function storedTokens(dbPath: string): Promise<OAuthToken[]> {
  const store = new SqliteStore({ path: dbPath });
  try {
    return await store.getTokens();
  } finally {
    await store.close();
  }
}

/** The raw secret values of tokens; output must contain none of them. */
export function secretsOf(tokens: readonly OAuthToken[]): string[] {
  return tokens
    .flatMap((token) => [
      token.refreshToken,
      token.accessToken,
      token.clientSecret,
      token.grantToken,
    ])
    .filter((value): value is string => value !== null);
}

function cleanEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined && !name.startsWith('ZOHO_')) env[name] = value;
  }
  return env;
}

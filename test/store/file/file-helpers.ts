import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatExpiry } from '../../../src/token/expiry.js';
import type { OAuthToken } from '../../../src/token/oauth-token.js';

export { FIXTURES_DIR as FIXTURES } from '../../support/fixtures.js';

const WORKER = fileURLToPath(new URL('./file-worker.ts', import.meta.url));

/** A fresh folder under the OS temp folder, and a function that removes it. */
export function tempFolder(): { folder: string; remove: () => void } {
  const folder = mkdtempSync(join(tmpdir(), 'zoho-tokens-file-'));
  return { folder, remove: () => rmSync(folder, { recursive: true, force: true }) };
}

/** The ten official values of a token, as the file holds them (empty as `null`). */
export function officialValues(token: OAuthToken): (string | null)[] {
  return [
    token.id,
    token.userSignature,
    token.clientId,
    token.clientSecret,
    token.refreshToken,
    token.accessToken,
    token.grantToken,
    formatExpiry(token.expiresAt),
    token.redirectUrl,
    token.apiDomain,
  ];
}

/** A worker process (see file-worker.ts) with a way to wait for its output lines. */
export interface Worker {
  child: ChildProcess;
  lines: string[];
  waitFor(line: string, timeoutMs?: number): Promise<void>;
  send(line: string): void;
  exited: Promise<number | null>;
}

/** Who a worker runs as: this process's user, or another one (this process must be root). */
export interface WorkerUser {
  uid: number;
  gid: number;
}

/**
 * A user without root's power to write any file, to run a worker as: `nobody` when this process
 * is root, else this process's own user (`undefined`).
 */
export function nonRootUser(): WorkerUser | undefined {
  if (process.getuid?.() !== 0) return undefined;

  const id = (flag: string) => Number(execFileSync('id', [flag, 'nobody'], { encoding: 'utf8' }));
  return { uid: id('-u'), gid: id('-g') };
}

export function startWorker(args: string[], user?: WorkerUser): Worker {
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER, ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
    ...user,
  });
  const lines: string[] = [];
  let stderr = '';
  let buffered = '';
  const waiters: (() => void)[] = [];
  child.stdout!.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('utf8');
    const parts = buffered.split('\n');
    buffered = parts.pop()!;
    lines.push(...parts);
    for (const wake of waiters.splice(0)) wake();
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const exited = new Promise<number | null>((resolve) => {
    child.on('exit', (code) => {
      for (const wake of waiters.splice(0)) wake();
      resolve(code);
    });
  });

  const waitFor = async (line: string, timeoutMs = 20_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!lines.includes(line)) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`worker exited before "${line}": ${stderr}`);
      }
      if (Date.now() > deadline) throw new Error(`worker never said "${line}": ${stderr}`);
      await new Promise<void>((resolve) => {
        waiters.push(resolve);
        setTimeout(resolve, 100);
      });
    }
  };

  return { child, lines, waitFor, send: (line) => child.stdin!.write(`${line}\n`), exited };
}

/** Runs a worker to its end; resolves to its output lines, rejects when it fails. */
export async function runWorker(args: string[], user?: WorkerUser): Promise<string[]> {
  const worker = startWorker(args, user);
  let stderr = '';
  worker.child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const code = await worker.exited;
  if (code !== 0) throw new Error(`worker ${args[0]} exited with ${code}: ${stderr}`);

  return worker.lines;
}

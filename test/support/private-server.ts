import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { chownSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A real database server of our own, on its own port and data folder, that a test may stop and
 * start again without disturbing the shared servers other suites use at the same time. Data is
 * kept on disk, so what was stored before a stop is there after the restart.
 */
export interface PrivateServer {
  readonly url: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  destroy(): Promise<void>;
}

export type PrivateServerKind = 'mysql' | 'postgres' | 'redis';

/** True when the binaries to run a private server of this kind are installed. */
export function canRunPrivateServer(kind: PrivateServerKind): boolean {
  const binary = { mysql: 'mariadbd', postgres: 'initdb', redis: 'redis-server' }[kind];
  try {
    if (kind === 'postgres') return postgresBin() !== null;
    execFileSync('which', [binary], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Creates (but does not start) a private server of the given kind. */
export async function privateServer(kind: PrivateServerKind): Promise<PrivateServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), `zt-${kind}-`));
  const plan = prepare(kind, dir, port);
  let child: ChildProcess | null = null;

  return {
    url: plan.url,
    async start() {
      child = spawn(plan.command[0]!, plan.command.slice(1), { stdio: 'ignore', ...plan.user });
      await waitForPort(port, child);
    },
    async stop() {
      if (child === null || child.exitCode !== null) return;
      const exited = once(child, 'exit');
      // SIGTERM is PostgreSQL's "smart" shutdown, which waits for clients to leave; pg_ctl's
      // default stop is the "fast" one, SIGINT.
      child.kill(kind === 'postgres' ? 'SIGINT' : 'SIGTERM');
      await exited;
      child = null;
    },
    async destroy() {
      if (child !== null && child.exitCode === null) {
        const exited = once(child, 'exit');
        child.kill('SIGKILL');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function prepare(kind: PrivateServerKind, dir: string, port: number) {
  if (kind === 'redis') {
    return {
      url: `redis://127.0.0.1:${port}/0`,
      command: [
        'redis-server',
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--dir',
        dir,
        '--appendonly',
        'yes',
        '--appendfsync',
        'always',
        '--save',
        '',
      ],
    };
  }
  if (kind === 'mysql') {
    execFileSync(
      'mariadb-install-db',
      [
        '--no-defaults',
        `--datadir=${dir}`,
        '--user=root',
        '--auth-root-authentication-method=normal',
        '--skip-test-db',
      ],
      { stdio: 'ignore' },
    );
    return {
      url: `mysql://root@127.0.0.1:${port}/zohooauth`,
      command: [
        'mariadbd',
        '--no-defaults',
        `--datadir=${dir}`,
        `--port=${port}`,
        '--bind-address=127.0.0.1',
        `--socket=${join(dir, 'mysqld.sock')}`,
        '--user=root',
        '--skip-log-bin',
      ],
    };
  }

  // PostgreSQL refuses to run as root: the cluster belongs to the postgres user.
  const bin = postgresBin()!;
  const user = { uid: uid('postgres'), gid: gid('postgres') };
  chownSync(dir, user.uid, user.gid);
  execFileSync(join(bin, 'initdb'), ['-D', dir, '-A', 'trust', '-U', 'root'], {
    stdio: 'ignore',
    ...user,
  });
  return {
    url: `postgres://root@127.0.0.1:${port}/postgres`,
    command: [
      join(bin, 'postgres'),
      '-D',
      dir,
      '-p',
      String(port),
      '-k',
      dir,
      '-c',
      'listen_addresses=127.0.0.1',
    ],
    user,
  };
}

function postgresBin(): string | null {
  try {
    const versions = readdirSync('/usr/lib/postgresql').sort();
    return versions.length === 0 ? null : join('/usr/lib/postgresql', versions.at(-1)!, 'bin');
  } catch {
    return null;
  }
}

function uid(user: string): number {
  return Number(execFileSync('id', ['-u', user]).toString().trim());
}

function gid(user: string): number {
  return Number(execFileSync('id', ['-g', user]).toString().trim());
}

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

async function waitForPort(port: number, child: ChildProcess): Promise<void> {
  const { connect } = await import('node:net');
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    const up = await new Promise<boolean>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (up) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`server did not listen on ${port}`);
}

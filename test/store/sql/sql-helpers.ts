import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { once } from 'node:events';
import { connect, createServer, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { OAuthToken } from '../../../src/token/oauth-token.js';
import { SERVICES } from '../../support/services.js';

type Query = Record<string, string | number>;

/** A name unique to this test file and process, for a database, schema or table. */
export function uniqueName(label: string): string {
  return `zt_${label}_${process.pid}`;
}

/** The test MariaDB with another database and table (and store options) in the URL. */
export function mysqlUrl(database: string, table: string, query: Query = {}): string {
  return serverUrl(SERVICES.mysql.url, `/${database}`, { table, ...query });
}

/** The test PostgreSQL database, with a schema of our own. */
export function postgresUrl(schema: string, table: string, query: Query = {}): string {
  return serverUrl(SERVICES.postgres.url, undefined, { schema, table, ...query });
}

/** The test PostgreSQL server with another database. */
export function postgresDatabaseUrl(database: string, table: string): string {
  return serverUrl(SERVICES.postgres.url, `/${database}`, { table });
}

/** A MariaDB connection for setting up and inspecting, able to run a dump's statements. */
export async function mysqlAdmin(database?: string): Promise<mysql.Connection> {
  const url = new URL(SERVICES.mysql.url);
  return mysql.createConnection({
    host: url.hostname,
    port: Number(url.port || 3306),
    user: decodeURIComponent(url.username) || 'root',
    password: decodeURIComponent(url.password),
    database,
    multipleStatements: true,
  });
}

/** A PostgreSQL client for setting up and inspecting, on the test database (or another). */
export async function postgresAdmin(database?: string): Promise<pg.Client> {
  const url = new URL(SERVICES.postgres.url);
  if (database !== undefined) url.pathname = `/${database}`;
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  return client;
}

/** A token for user `name`, with every field filled and a distinct refresh and access token. */
export function userToken(
  name: string,
  extra: Partial<ConstructorParameters<typeof OAuthToken>[0]> = {},
) {
  return new OAuthToken({
    userSignature: name,
    clientId: '1000.CLIENT',
    clientSecret: 'secret-of-the-client',
    refreshToken: `rt-${name}`,
    accessToken: `at-${name}`,
    expiresAt: 1_796_305_849_341,
    redirectUrl: 'https://app.example/callback',
    apiDomain: 'https://www.zohoapis.eu',
    ...extra,
  });
}

/** A process running lease-worker.ts, and a way to wait for what it prints. */
export interface LeaseWorker {
  child: ChildProcessWithoutNullStreams;
  waitFor(text: string, timeoutMs?: number): Promise<void>;
}

/** Starts `lease-worker.ts URL KEY TTL_MS` in its own Node process. */
export function startLeaseWorker(url: string, key: string, ttlMs: number): LeaseWorker {
  const script = fileURLToPath(new URL('./lease-worker.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script, url, key, String(ttlMs)]);
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });

  return {
    child,
    async waitFor(text, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      while (!output.includes(text)) {
        if (child.exitCode !== null || Date.now() > deadline) {
          throw new Error(`lease worker did not print ${text}: ${output.slice(-1500)}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
  };
}

function serverUrl(base: string, path: string | undefined, query: Query): string {
  const url = new URL(base);
  if (path !== undefined) url.pathname = path;
  for (const [name, value] of Object.entries(query)) url.searchParams.set(name, String(value));
  return url.toString();
}

/**
 * A TCP relay to a real server that a test can freeze: connections stay open but no byte moves
 * any more, as in a network partition, where only the client's own timeouts can help.
 */
export async function freezableRelay(targetPort: number) {
  const sockets = new Set<Socket>();
  let frozen = false;
  const server = createServer((client) => {
    const upstream = connect({ host: '127.0.0.1', port: targetPort });
    for (const [from, to] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      sockets.add(from);
      from.on('data', (chunk: Buffer) => {
        if (!frozen) to.write(chunk);
      });
      from.on('error', () => from.destroy()).on('close', () => to.destroy());
    }
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');

  return {
    port: (server.address() as { port: number }).port,
    freeze() {
      frozen = true;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      server.close();
      await once(server, 'close');
    },
  };
}

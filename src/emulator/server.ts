import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { Hono } from 'hono';
import { accountsRoutes } from './accounts-routes.js';
import { adminRoutes } from './admin-routes.js';
import { consentRoutes } from './consent-routes.js';
import { crmRoutes } from './crm-routes.js';
import { type EmulatorOptions, type ResolvedOptions, resolveOptions } from './options.js';
import { createState, type EmulatorState, type EmulatorUrls } from './state.js';
import { readStateFile, StatePersistence } from './state-file.js';
import type { SavedState } from './state-format.js';

/** A started emulator: where it answers, its default client, and how to stop it. */
export interface RunningEmulator {
  /** Accounts server base; the token endpoint is `{accountsUrl}/oauth/v2/token`. */
  accountsUrl: string;
  /** CRM base, returned as `api_domain`; CRM lives at `{apiUrl}/crm/v8/...`. */
  apiUrl: string;
  /** Admin API base, e.g. `http://127.0.0.1:PORT/_admin`. */
  adminUrl: string;
  /** The port listened on; differs from the one asked for when the fallback was taken. */
  port: number;
  /** The client registered at start-up. */
  clientId: string;
  clientSecret: string;
  /** The state file (absolute), when {@link EmulatorOptions.statePath} was given. */
  statePath: string | undefined;
  /** True when the state came from an existing state file rather than starting empty. */
  stateRestored: boolean;
  /**
   * Stops listening and closes connections (idle kept-alive ones gracefully, waiting up to
   * a second for the client), then stops writing the state file; safe to call twice.
   */
  close(): Promise<void>;
}

/** Path of the admin API on the emulator's server. */
export const ADMIN_PATH = '/_admin';

/**
 * Starts a Zoho accounts + CRM emulator on loopback. Accounts, CRM and admin API share
 * one port. With `statePath` it picks up where the last run on that file left off (see
 * {@link EmulatorOptions.statePath}); a bad state file rejects with `EmulatorStateError`.
 *
 * @example
 * ```ts
 * const zoho = await startEmulator({ autoApprove: true });
 * const admin = new EmulatorAdmin(zoho);
 * const code = await admin.mintGrantCode('jane@example.com');
 * // exchange `code` at `${zoho.accountsUrl}/oauth/v2/token`, then call `${zoho.apiUrl}/crm/v8/...`
 * await zoho.close();
 * ```
 *
 * @example A demo that survives restarts: same file, same port when it is free.
 * ```ts
 * const zoho = await startEmulator({ statePath: '.zoho-tokens/emulator.json', autoApprove: true });
 * ```
 */
export async function startEmulator(options?: EmulatorOptions): Promise<RunningEmulator> {
  const resolved = resolveOptions(options);
  const saved = resolved.statePath === undefined ? undefined : readStateFile(resolved.statePath);
  const state = createState(resolved, saved);
  const listener = getRequestListener(createApp(state).fetch, { overrideGlobalObjects: false });
  const server = createServer(listener);
  const connections = trackConnections(server);
  const { port, fallback } = portPlan(resolved, saved);
  await listenWithFallback(server, port, resolved.host, fallback);

  const actualPort = (server.address() as AddressInfo).port;
  state.urls = urlsFor(resolved.host, actualPort);
  if (resolved.statePath !== undefined) {
    state.persistence = new StatePersistence(resolved.statePath, state, actualPort);
    try {
      state.persistence.save();
    } catch (error) {
      await close(server, connections);
      throw error;
    }
  }
  let closing: Promise<void> | undefined;
  const stop = async (): Promise<void> => {
    await close(server, connections);
    state.persistence?.close();
  };
  return {
    ...state.urls,
    port: actualPort,
    clientId: resolved.clientId,
    clientSecret: resolved.clientSecret,
    statePath: resolved.statePath,
    stateRestored: saved !== undefined,
    close: () => {
      closing ??= stop();
      return closing;
    },
  };
}

/**
 * An explicit `port` is used as given (falling back only with `portFallback`); without
 * one, the state file's port is preferred and a free port taken when it is busy.
 */
function portPlan(
  options: ResolvedOptions,
  saved: SavedState | undefined,
): { port: number; fallback: boolean } {
  if (options.port !== undefined) return { port: options.port, fallback: options.portFallback };
  if (saved !== undefined) return { port: saved.port, fallback: true };
  return { port: 0, fallback: false };
}

/** Accounts, consent and CRM routes at the root; the admin API under {@link ADMIN_PATH}. */
function createApp(state: EmulatorState): Hono {
  const app = new Hono();
  // Saved before the response leaves, so a client never holds a token the file lacks.
  app.use('*', async (_c, next) => {
    try {
      await next();
    } finally {
      state.persistence?.saveIfChanged();
    }
  });
  app.route('/', accountsRoutes(state));
  app.route('/', consentRoutes(state));
  app.route('/', crmRoutes(state));
  app.route(ADMIN_PATH, adminRoutes(state));
  // An emulator bug must surface in the test that hit it, not as a hung request.
  app.onError((error) =>
    Response.json({ error: 'emulator_error', message: error.message }, { status: 500 }),
  );
  return app;
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

async function listenWithFallback(
  server: Server,
  port: number,
  host: string,
  fallback: boolean,
): Promise<void> {
  try {
    await listen(server, port, host);
  } catch (error) {
    const inUse = (error as { code?: unknown } | null)?.code === 'EADDRINUSE';
    if (!fallback || port === 0 || !inUse) throw error;
    await listen(server, 0, host);
  }
}

/** How long {@link close} waits for a client to close an idle kept-alive connection. */
const CLOSE_GRACE_MS = 1_000;

/** The server's connections, and which of them are serving a request right now. */
interface Connections {
  all: Set<Socket>;
  busy: Set<Socket>;
}

function trackConnections(server: Server): Connections {
  const connections: Connections = { all: new Set(), busy: new Set() };
  server.on('connection', (socket: Socket) => {
    connections.all.add(socket);
    socket.once('close', () => {
      connections.all.delete(socket);
      connections.busy.delete(socket);
    });
  });
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    connections.busy.add(req.socket);
    res.once('close', () => connections.busy.delete(req.socket));
  });
  return connections;
}

/**
 * Stops listening. Busy connections are dropped; idle kept-alive ones get a FIN, and
 * close() waits for the client to close its end, so an in-process `fetch` has discarded
 * them before a restarted emulator takes the same port (it would otherwise send its next
 * request on a dead socket and fail with "other side closed"). `server.close()` comes
 * last because it destroys idle connections without waiting for the client.
 */
async function close(server: Server, connections: Connections): Promise<void> {
  if (!server.listening) return;
  await Promise.all(
    [...connections.all].map((socket) => closeConnection(socket, connections.busy.has(socket))),
  );
  await new Promise<void>((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    // Whatever connected meanwhile; fetch would otherwise hold close() for its idle timeout.
    server.closeAllConnections();
  });
}

function closeConnection(socket: Socket, busy: boolean): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      socket.destroy();
      resolve();
    }, CLOSE_GRACE_MS);
    timer.unref();
    socket.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
    if (busy) socket.destroy();
    else socket.end();
  });
}

function urlsFor(host: string, port: number): EmulatorUrls {
  const base = `http://${urlHost(host)}:${port}`;
  return { accountsUrl: base, apiUrl: base, adminUrl: `${base}${ADMIN_PATH}` };
}

/** A wildcard bind address is not somewhere a client can connect to; use loopback. */
function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

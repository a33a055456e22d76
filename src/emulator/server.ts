import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { Hono } from 'hono';
import { accountsRoutes } from './accounts-routes.js';
import { adminRoutes } from './admin-routes.js';
import { consentRoutes } from './consent-routes.js';
import { crmRoutes } from './crm-routes.js';
import { type EmulatorOptions, resolveOptions } from './options.js';
import { createState, type EmulatorState, type EmulatorUrls } from './state.js';

/** A started emulator: where it answers, its default client, and how to stop it. */
export interface RunningEmulator {
  /** Accounts server base; the token endpoint is `{accountsUrl}/oauth/v2/token`. */
  accountsUrl: string;
  /** CRM base, returned as `api_domain`; CRM lives at `{apiUrl}/crm/v8/...`. */
  apiUrl: string;
  /** Admin API base, e.g. `http://127.0.0.1:PORT/_admin`. */
  adminUrl: string;
  /** The client registered at start-up. */
  clientId: string;
  clientSecret: string;
  /** Stops listening and drops open connections; safe to call twice. */
  close(): Promise<void>;
}

/** Path of the admin API on the emulator's server. */
export const ADMIN_PATH = '/_admin';

/**
 * Starts a Zoho accounts + CRM emulator on loopback. Accounts, CRM and admin API share
 * one port.
 *
 * @example
 * ```ts
 * const zoho = await startEmulator({ autoApprove: true });
 * const admin = new EmulatorAdmin(zoho);
 * const code = await admin.mintGrantCode('jane@example.com');
 * // exchange `code` at `${zoho.accountsUrl}/oauth/v2/token`, then call `${zoho.apiUrl}/crm/v8/...`
 * await zoho.close();
 * ```
 */
export async function startEmulator(options?: EmulatorOptions): Promise<RunningEmulator> {
  const resolved = resolveOptions(options);
  const state = createState(resolved);
  const listener = getRequestListener(createApp(state).fetch, { overrideGlobalObjects: false });
  const server = createServer(listener);
  await listen(server, resolved.port, resolved.host);

  state.urls = urlsFor(resolved.host, (server.address() as AddressInfo).port);
  return {
    ...state.urls,
    clientId: resolved.clientId,
    clientSecret: resolved.clientSecret,
    close: () => close(server),
  };
}

/** Accounts, consent and CRM routes at the root; the admin API under {@link ADMIN_PATH}. */
function createApp(state: EmulatorState): Hono {
  const app = new Hono();
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

function close(server: Server): Promise<void> {
  if (!server.listening) return Promise.resolve();
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    // fetch keeps connections alive; without this close() waits for their idle timeout.
    server.closeAllConnections();
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

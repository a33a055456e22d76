import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ZohoTokensError } from '../../errors.js';
import { DATA_CENTRES, dataCentre, type ZohoEnvironment } from '../../oauth/data-centres.js';
import type { CliContext } from '../context.js';
import { UsageError } from '../errors.js';

/** What `login --browser` asks for: the CRM, plus what the user lookup (`email:zgid`) reads. */
export const BROWSER_SCOPES = 'ZohoCRM.modules.ALL,ZohoCRM.users.READ,ZohoCRM.org.READ';

/** A code from the consent redirect, with where it must be exchanged. */
export interface BrowserGrant {
  code: string;
  redirectUrl: string;
  environment: ZohoEnvironment;
}

interface BrowserOptions {
  clientId: string;
  redirectUrl?: string;
  scope: string;
  timeoutMs: number;
}

interface RedirectListener {
  redirectUrl: string;
  redirect: Promise<URLSearchParams>;
  close(): void;
}

/**
 * The browser flow: listens on loopback for the redirect, prints the consent URL on stderr,
 * and waits for Zoho to send the browser back with a code (or an error).
 */
export async function browserGrant(
  context: CliContext,
  options: BrowserOptions,
): Promise<BrowserGrant> {
  const state = randomBytes(16).toString('hex');
  const listener = await listenForRedirect(loopbackTarget(options.redirectUrl), state);
  try {
    const url = consentUrl(context.environment, {
      ...options,
      redirectUrl: listener.redirectUrl,
      state,
    });
    process.stderr.write(`open this URL in a browser to sign in:\n  ${url}\n`);
    const query = await withTimeout(listener.redirect, options.timeoutMs);
    return {
      code: codeFrom(query),
      redirectUrl: listener.redirectUrl,
      environment: environmentOf(query.get('accounts-server'), context),
    };
  } finally {
    listener.close();
  }
}

/**
 * Zoho's authorization URL. `access_type=offline` asks for a refresh token; `prompt=consent`
 * makes Zoho issue one even when this user consented to the client before.
 */
function consentUrl(
  environment: ZohoEnvironment,
  options: BrowserOptions & { redirectUrl: string; state: string },
): string {
  const url = new URL(`${environment.accountsUrl}/oauth/v2/auth`);
  url.searchParams.set('scope', options.scope);
  url.searchParams.set('client_id', options.clientId);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('redirect_uri', options.redirectUrl);
  url.searchParams.set('state', options.state);
  url.searchParams.set('prompt', 'consent');
  url.searchParams.set('access_type', 'offline');
  return url.toString();
}

function loopbackTarget(redirectUrl: string | undefined): URL {
  const target = new URL(redirectUrl ?? 'http://127.0.0.1:0/callback');
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(target.hostname);
  if (target.protocol === 'http:' && loopback) return target;

  throw new UsageError('--browser needs an http://127.0.0.1 or http://localhost --redirect-url');
}

/** A one-request server: the first redirect carrying our `state` settles the promise. */
async function listenForRedirect(target: URL, state: string): Promise<RedirectListener> {
  let settle: (query: URLSearchParams) => void = () => {};
  const redirect = new Promise<URLSearchParams>((resolve) => {
    settle = resolve;
  });
  const server = createServer((request, response) => {
    const query = answer(request, response, target.pathname, state);
    if (query !== null) settle(query);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(Number(target.port || 80), target.hostname.replace(/^\[|\]$/g, ''), resolve);
  });

  target.port = String((server.address() as AddressInfo).port);
  const close = () => {
    server.close();
    server.closeAllConnections();
  };
  return { redirectUrl: target.toString(), redirect, close };
}

/** Answers the browser; a request for another path or with another `state` is not ours. */
function answer(
  request: IncomingMessage,
  response: ServerResponse,
  path: string,
  state: string,
): URLSearchParams | null {
  const url = new URL(request.url ?? '/', 'http://127.0.0.1');
  const ours = url.pathname === path && url.searchParams.get('state') === state;
  response.writeHead(ours ? 200 : 400, { 'content-type': 'text/plain; charset=utf-8' });
  response.end(
    ours ? 'zoho-tokens: sign-in received; you can close this tab.\n' : 'unexpected request\n',
  );
  return ours ? url.searchParams : null;
}

function codeFrom(query: URLSearchParams): string {
  const code = query.get('code');
  if (code !== null && code !== '') return code;

  const error = query.get('error') ?? 'no code';
  throw new ZohoTokensError('ERR_OAUTH_REJECTED', `sign-in did not give a grant code (${error})`);
}

/**
 * Zoho sends the user's own accounts server with the redirect. It is used when it is a known
 * Zoho data centre (or the configured one): the client secret never goes to an arbitrary host.
 */
function environmentOf(accountsServer: string | null, context: CliContext): ZohoEnvironment {
  const configured = context.environment;
  if (accountsServer === null || accountsServer === configured.accountsUrl) return configured;

  const known = DATA_CENTRES.map((code) => dataCentre(code)).find(
    (environment) => environment.accountsUrl === accountsServer,
  );
  if (known !== undefined) return known;
  context.logger.warn('ignoring an unknown accounts-server in the redirect', { accountsServer });
  return configured;
}

function withTimeout<T>(promise: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      const seconds = Math.round(timeoutMs / 1000);
      reject(
        new ZohoTokensError('ERR_OAUTH_UNAVAILABLE', `no sign-in redirect within ${seconds} s`),
      );
    }, timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

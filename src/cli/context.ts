import type { Command } from 'commander';
import { ZohoTokensError } from '../errors.js';
import { type Logger, lineLogger, silentLogger } from '../logger.js';
import { TokenManager } from '../manager/token-manager.js';
import {
  customEnvironment,
  dataCentre,
  environmentForApiDomain,
  type ZohoEnvironment,
} from '../oauth/data-centres.js';
import { openStore } from '../store/open-store.js';
import { parseStoreUrl, pathAndQuery, redactStoreUrl } from '../store/store-url.js';
import type { TokenStore } from '../store/token-store.js';
import type { OAuthToken } from '../token/oauth-token.js';
import { UsageError } from './errors.js';

/** The store every command uses unless `--store` or `ZOHO_TOKEN_STORE` names another. */
export const DEFAULT_STORE_URL = 'sqlite:zohooauth.db';

/** Options every command understands (each also read from an environment variable). */
export interface GlobalOptions {
  store: string;
  dc: string;
  accountsUrl?: string;
  apiUrl?: string;
  json?: boolean;
  verbose?: boolean;
  /** The app's credentials: needed by `login`, and for tokens stored without them. */
  clientId?: string;
  clientSecret?: string;
}

/**
 * What a command works with, resolved once from its options: the store (opened on first use
 * and closed after the command), the environment, a logger on stderr and a token manager.
 */
export class CliContext {
  readonly options: GlobalOptions;
  readonly logger: Logger;
  readonly environment: ZohoEnvironment;
  #store: TokenStore | null = null;

  constructor(options: GlobalOptions) {
    this.options = options;
    this.logger = cliLogger(options.verbose === true);
    this.environment = resolveEnvironment(options);
  }

  /** The context of the command being run, from its options and its parents'. */
  static of(command: Command): CliContext {
    return new CliContext(command.optsWithGlobals<GlobalOptions>());
  }

  get json(): boolean {
    return this.options.json === true;
  }

  /** The store URL with any password hidden, for messages. */
  get storeName(): string {
    return redactStoreUrl(this.options.store);
  }

  async store(): Promise<TokenStore> {
    if (this.#store !== null) return this.#store;

    this.logger.debug('opening store', { store: this.storeName });
    this.#store = await openStore(this.options.store, { logger: this.logger });
    return this.#store;
  }

  /**
   * Refuses, before anything is used up (a grant code works once), a store that ends with this
   * process, for a command whose token must outlive it.
   */
  requireLastingStore(command: string): void {
    if (!isInMemory(this.options.store)) return;

    throw new ZohoTokensError(
      'ERR_STORE_URL',
      `${command} would keep the token in ${this.storeName}, which is gone when the command ` +
        'ends: pass a lasting --store, e.g. sqlite:zohooauth.db',
    );
  }

  /** The stored token with this id, or a typed error naming the id. */
  async tokenById(id: string): Promise<OAuthToken> {
    const token = await (await this.store()).findTokenById(id);
    if (token !== null) return token;

    throw new ZohoTokensError('ERR_TOKEN_NOT_FOUND', `no stored token with id ${id} (see list)`);
  }

  /**
   * Refuses, before any request, a token this command cannot reach: a token is only ever used
   * in its own data centre, and one from a custom environment (the emulator) needs it again.
   */
  checkReachable(token: OAuthToken): OAuthToken {
    const domain = token.apiDomain;
    if (domain === null || environmentForApiDomain(domain, [this.environment]) !== null) {
      return token;
    }

    throw new ZohoTokensError(
      'ERR_DATA_CENTRE',
      `token ${token.id} belongs to ${domain}, which is no Zoho data centre: ` +
        `pass --api-url ${domain} (and --accounts-url, when it differs)`,
    );
  }

  /**
   * A manager over the store, with the app's credentials when both are given (a stored token
   * brings its own); `redirectUrl` is the one a grant code was issued for.
   */
  async manager(redirectUrl?: string): Promise<TokenManager> {
    const { clientId, clientSecret } = this.options;
    return new TokenManager({
      store: await this.store(),
      environment: this.environment,
      client: clientId && clientSecret ? { clientId, clientSecret, redirectUrl } : undefined,
      logger: this.logger,
    });
  }

  async close(): Promise<void> {
    const store = this.#store;
    this.#store = null;
    await store?.close?.();
  }
}

/**
 * Wraps a command's work: builds its context, and closes the store whatever happens, so that
 * the process can end as soon as the work is done.
 */
export function withContext<O>(
  work: (context: CliContext, args: string[], options: O) => Promise<void>,
): (...actionArgs: unknown[]) => Promise<void> {
  return async (...actionArgs) => {
    const command = actionArgs.at(-1) as Command;
    const context = CliContext.of(command);
    try {
      await work(context, command.processedArgs as string[], command.opts() as O);
    } finally {
      await context.close();
    }
  };
}

/**
 * With `--verbose`, every library line (debug and up) on stderr, so stdout stays parseable;
 * otherwise none: a retry that ends well is no news, and a failure is its one error line.
 */
function cliLogger(verbose: boolean): Logger {
  if (!verbose) return silentLogger;

  return lineLogger('debug', (line) => {
    process.stderr.write(`zoho-tokens: ${line}\n`);
  });
}

/** `memory:` and `sqlite::memory:` (also behind `encrypted+`) keep nothing after the process. */
function isInMemory(url: string): boolean {
  const { scheme, inner } = parseStoreUrl(url);
  return (
    scheme === 'memory' || (scheme === 'sqlite' && pathAndQuery(inner, scheme).path === ':memory:')
  );
}

/**
 * `--accounts-url`/`--api-url` make a custom environment (the emulator serves both on one
 * port, so either alone stands for both); otherwise `--dc` names a Zoho data centre.
 */
function resolveEnvironment(options: GlobalOptions): ZohoEnvironment {
  const accountsUrl = options.accountsUrl ?? options.apiUrl;
  const apiUrl = options.apiUrl ?? options.accountsUrl;
  try {
    if (accountsUrl === undefined || apiUrl === undefined) return dataCentre(options.dc);
    return customEnvironment({ accountsUrl, apiUrl });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

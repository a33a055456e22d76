import { type Logger, silentLogger } from '../logger.js';
import { expiresAtFrom } from '../token/expiry.js';
import { revokeEndpoint, tokenEndpoint, type ZohoEnvironment } from './data-centres.js';
import { errorFromZohoBody, OAuthError } from './oauth-error.js';

/** What a successful grant exchange or refresh gives. */
export interface TokenGrant {
  accessToken: string;
  /** Only a grant exchange returns one; a refresh keeps the refresh token it was given. */
  refreshToken: string | null;
  apiDomain: string | null;
  /** Absolute expiry in epoch milliseconds. */
  expiresAt: number;
  scope: string | null;
}

/** The client credentials of an app registered in Zoho's API console. */
export interface ClientCredentials {
  clientId: string;
  clientSecret: string;
}

/** Retry policy for transient failures (network, 5xx, throttling). */
export interface RetryPolicy {
  /** Total attempts, the first included. Default 4. */
  attempts: number;
  /** First delay; each next one doubles, with jitter. Default 250. */
  baseDelayMs: number;
  /** Upper bound of one delay. Default 4000. */
  maxDelayMs: number;
}

/** Options of {@link AccountsClient}. */
export interface AccountsClientOptions {
  fetch?: typeof fetch;
  /** Per request. Default 15 000. */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  logger?: Logger;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

const DEFAULT_RETRY: RetryPolicy = { attempts: 4, baseDelayMs: 250, maxDelayMs: 4000 };

/**
 * Talks to Zoho's accounts server: grant exchange, refresh and revoke, in Zoho's request shapes.
 *
 * Zoho answers token errors with HTTP 200 and an `error` field, so the body decides, never the
 * status. Transient failures (network, timeouts, 5xx, HTML error pages, throttling) are retried
 * with exponential backoff; permanent ones (`invalid_code`, `invalid_client`, ...) are not.
 */
export class AccountsClient {
  readonly #fetch: typeof fetch;
  readonly #timeoutMs: number;
  readonly #retry: RetryPolicy;
  readonly #logger: Logger;
  readonly #now: () => number;
  readonly #sleep: (ms: number) => Promise<void>;

  constructor(options: AccountsClientOptions = {}) {
    this.#fetch = options.fetch ?? globalThis.fetch;
    this.#timeoutMs = options.timeoutMs ?? 15_000;
    this.#retry = { ...DEFAULT_RETRY, ...options.retry };
    this.#logger = options.logger ?? silentLogger;
    this.#now = options.now ?? Date.now;
    this.#sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** Exchanges a grant code (from the consent redirect or the API console's Self Client). */
  async exchangeGrantCode(
    environment: ZohoEnvironment,
    request: ClientCredentials & { code: string; redirectUrl?: string | null },
  ): Promise<TokenGrant> {
    const form = new URLSearchParams({
      client_id: request.clientId,
      client_secret: request.clientSecret,
      grant_type: 'authorization_code',
      code: request.code,
    });
    if (request.redirectUrl) form.set('redirect_uri', request.redirectUrl);

    return this.#tokenRequest(environment, form, 'grant exchange');
  }

  /** Gets a new access token for a refresh token. */
  async refreshAccessToken(
    environment: ZohoEnvironment,
    request: ClientCredentials & { refreshToken: string },
  ): Promise<TokenGrant> {
    const form = new URLSearchParams({
      client_id: request.clientId,
      client_secret: request.clientSecret,
      grant_type: 'refresh_token',
      refresh_token: request.refreshToken,
    });

    return this.#tokenRequest(environment, form, 'refresh');
  }

  /** Revokes a refresh token; every access token issued from it dies with it. */
  async revokeToken(environment: ZohoEnvironment, token: string): Promise<void> {
    const body = await this.#withRetries('revoke', async () => {
      const response = await this.#post(
        revokeEndpoint(environment),
        new URLSearchParams({ token }),
      );
      if (response.status >= 500) throw unavailable('revoke', `http ${response.status}`);
      return { status: response.status, json: await readJson(response) };
    });

    if (body.json?.status === 'success') return;
    throw new OAuthError('ERR_OAUTH_REJECTED', `revoke: zoho refused (http ${body.status})`, {
      zohoError: typeof body.json?.error === 'string' ? body.json.error : null,
      kind: 'permanent',
    });
  }

  async #tokenRequest(
    environment: ZohoEnvironment,
    form: URLSearchParams,
    operation: string,
  ): Promise<TokenGrant> {
    return this.#withRetries(operation, async () => {
      const response = await this.#post(tokenEndpoint(environment), form);
      const body = await readJson(response);
      if (body === null) {
        // An outage answers with an HTML page, often with a 5xx; neither is a verdict on the token.
        throw unavailable(operation, `http ${response.status} without a json body`);
      }

      return this.#grantFrom(body, operation);
    });
  }

  #grantFrom(body: Record<string, unknown>, operation: string): TokenGrant {
    if (typeof body.access_token !== 'string' || body.access_token === '') {
      if (typeof body.error === 'string') throw errorFromZohoBody(body.error, operation);
      throw new OAuthError('ERR_OAUTH_RESPONSE', `${operation}: response has no access_token`, {
        kind: 'permanent',
      });
    }

    return {
      accessToken: body.access_token,
      refreshToken: nonEmpty(body.refresh_token),
      apiDomain: nonEmpty(body.api_domain),
      expiresAt: expiresAtFrom(body, this.#now()),
      scope: nonEmpty(body.scope),
    };
  }

  async #post(url: string, form: URLSearchParams): Promise<Response> {
    try {
      return await this.#fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body: form.toString(),
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
    } catch (error) {
      throw unavailable('token request', describeNetworkError(error), error);
    }
  }

  async #withRetries<T>(operation: string, attempt: () => Promise<T>): Promise<T> {
    for (let number = 1; ; number++) {
      try {
        return await attempt();
      } catch (error) {
        const retryable = error instanceof OAuthError && error.transient;
        if (!retryable || number >= this.#retry.attempts) throw error;

        const delayMs = backoff(this.#retry, number);
        this.#logger.warn('token request failed; retrying', {
          operation,
          attempt: number,
          delayMs,
          code: error.code,
        });
        await this.#sleep(delayMs);
      }
    }
  }
}

function backoff(policy: RetryPolicy, attempt: number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  // Full jitter: processes that failed together do not come back together.
  return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
}

async function readJson(response: Response): Promise<Record<string, unknown> | null> {
  const text = await response.text().catch(() => '');
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed !== null && typeof parsed === 'object'
      ? (parsed as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

function unavailable(operation: string, reason: string, cause?: unknown): OAuthError {
  return new OAuthError(
    'ERR_OAUTH_UNAVAILABLE',
    `${operation}: accounts server unavailable (${reason})`,
    {
      kind: 'transient',
      cause,
    },
  );
}

function describeNetworkError(error: unknown): string {
  if (error instanceof Error && error.name === 'TimeoutError') return 'timed out';
  const code = (error as { cause?: { code?: unknown } })?.cause?.code;
  return typeof code === 'string' ? code : 'network error';
}

function nonEmpty(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

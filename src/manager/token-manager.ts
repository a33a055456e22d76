import { ZohoTokensError } from '../errors.js';
import { type Logger, silentLogger } from '../logger.js';
import {
  AccountsClient,
  type AccountsClientOptions,
  type TokenGrant,
} from '../oauth/accounts-client.js';
import {
  dataCentre,
  environmentForApiDomain,
  type ZohoEnvironment,
} from '../oauth/data-centres.js';
import { OAuthError } from '../oauth/oauth-error.js';
import { lookupUserSignature } from '../oauth/user-lookup.js';
import { hasLeases, type Lease, type TokenStore } from '../store/token-store.js';
import { OAuthToken, type TokenState } from '../token/oauth-token.js';
import { type RefreshLimit, RefreshLimiter, ZOHO_REFRESH_LIMIT } from './refresh-limiter.js';
import { SingleFlight } from './single-flight.js';
import { cacheKeyOf, describeRef, type TokenRef } from './token-ref.js';

/** Options of {@link TokenManager}. */
export interface TokenManagerOptions {
  /** Where tokens are kept. Every new or refreshed token is saved here. */
  store: TokenStore;
  /** Where new tokens come from; stored tokens keep their own data centre. Default US. */
  environment?: ZohoEnvironment;
  /** The app's credentials, used for tokens that do not carry their own. */
  client?: { clientId: string; clientSecret: string; redirectUrl?: string };
  /** Fill a new token's user as `email:zgid` from the CRM, like the official SDKs. Default true. */
  findUser?: boolean;
  /** Refresh this long before expiry. Default 5 minutes. */
  refreshWindowMs?: number;
  /** Up to this much more, at random, so that a fleet does not refresh in step. Default 30 s. */
  refreshJitterMs?: number;
  /** The cross-process lease around a refresh, for stores that have leases. */
  lease?: { ttlMs?: number; waitMs?: number };
  /** Stay under Zoho's limit of new access tokens per refresh token. Default 10 per 10 min. */
  refreshLimit?: RefreshLimit;
  /** After a transient failure, no instance refreshes the token for this long. Default 30 s. */
  coolDownMs?: number;
  /** An accounts client, or options for the default one. */
  accounts?: AccountsClient | AccountsClientOptions;
  /** Used for CRM calls (`fetch`, the user lookup) and by the default accounts client. */
  fetch?: typeof fetch;
  logger?: Logger;
  now?: () => number;
}

/** Options of {@link TokenManager.exchangeGrantCode}. */
export interface GrantExchangeOptions {
  clientId?: string;
  clientSecret?: string;
  redirectUrl?: string;
  /** The user to store the token under; otherwise found from the CRM when `findUser` is on. */
  userSignature?: string;
  findUser?: boolean;
  /** Where the code was issued, e.g. from the redirect's `accounts-server`. */
  environment?: ZohoEnvironment;
}

/** What the manager has done since it was made. */
export interface TokenManagerStats {
  /** Token-endpoint calls for refreshes (each may include retries). */
  refreshes: number;
  grantExchanges: number;
  /** Refreshes that found another caller or process had refreshed already. */
  refreshesAvoided: number;
}

interface CacheEntry {
  token: OAuthToken;
  /** When this process stops serving the token from memory. */
  refreshAt: number;
}

/**
 * Why a refresh is wanted:
 * - `due`: the token is near expiry; while it is still valid, a blocked refresh can wait;
 * - `rejected`: Zoho refused the access token; the old one is of no use any more;
 * - `explicit`: the caller asked for a new token now; a stored failure mark is not trusted
 *   (the operator is checking whether it still holds), but Zoho's rate limit still is.
 */
type RefreshMode = 'due' | 'rejected' | 'explicit';

/** A refresh request: the token seen as stale, and why. */
interface RefreshReason {
  seen: OAuthToken;
  mode: RefreshMode;
}

const EXPIRY_SKEW_MS = 5_000;

/**
 * Hands out valid Zoho access tokens and keeps the store up to date.
 *
 * - A valid token is served from memory, with no store I/O.
 * - Near expiry, concurrent callers share one refresh; with a store that has leases, so do
 *   processes and machines (the store is re-read once the lease is held).
 * - Failed refreshes never overwrite stored tokens; permanent failures mark the token as needing
 *   a new login, transient ones make every instance cool down.
 * - Each call names its token: there is no global current user.
 *
 * @example
 * ```ts
 * const manager = new TokenManager({
 *   store: await openStore('sqlite:zohooauth.db'),
 *   environment: dataCentre('eu'),
 *   client: { clientId, clientSecret },
 * });
 * await manager.exchangeGrantCode(grantCode);            // once, after the user consents
 * const user = { user: 'ada@example.com:70000001' };
 * const response = await manager.fetch(user, '/crm/v8/Leads?fields=Last_Name');
 * ```
 */
export class TokenManager {
  readonly store: TokenStore;
  readonly environment: ZohoEnvironment;
  readonly #options: TokenManagerOptions;
  readonly #accounts: AccountsClient;
  readonly #logger: Logger;
  readonly #now: () => number;
  readonly #fetch: typeof fetch;
  readonly #cache = new Map<string, CacheEntry>();
  readonly #lookups = new SingleFlight<string, OAuthToken>();
  readonly #refreshes = new SingleFlight<string, OAuthToken>();
  readonly #limiter: RefreshLimiter;
  readonly #stats: TokenManagerStats = { refreshes: 0, grantExchanges: 0, refreshesAvoided: 0 };

  constructor(options: TokenManagerOptions) {
    this.store = options.store;
    this.environment = options.environment ?? dataCentre('us');
    this.#options = options;
    this.#logger = options.logger ?? silentLogger;
    this.#now = options.now ?? Date.now;
    this.#fetch = options.fetch ?? globalThis.fetch;
    this.#limiter = new RefreshLimiter(options.refreshLimit ?? ZOHO_REFRESH_LIMIT);
    this.#accounts =
      options.accounts instanceof AccountsClient
        ? options.accounts
        : new AccountsClient({
            fetch: this.#fetch,
            logger: this.#logger,
            now: this.#now,
            ...options.accounts,
          });

    if (!hasLeases(this.store)) {
      this.#logger.info('store has no leases: refreshes are coordinated within this process only');
    }
  }

  /** Counters of what this manager has done. */
  get stats(): Readonly<TokenManagerStats> {
    return { ...this.#stats };
  }

  /**
   * A valid access token for `ref`, refreshed first when it is near expiry. Served from memory
   * while valid: the cost every API call pays is a map lookup.
   */
  async getAccessToken(ref: TokenRef): Promise<string> {
    const entry = this.#cache.get(cacheKeyOf(ref));
    if (entry !== undefined && this.#now() < entry.refreshAt) return entry.token.accessToken!;

    return (await this.getToken(ref)).accessToken!;
  }

  /** The valid token for `ref` (refreshed if needed), as stored. */
  async getToken(ref: TokenRef): Promise<OAuthToken> {
    const key = cacheKeyOf(ref);
    const entry = this.#cache.get(key);
    if (entry !== undefined && this.#now() < entry.refreshAt) return entry.token;

    return this.#lookups.run(key, async () => {
      // A remembered token is here because its refresh time came; a stored one is checked.
      const token = entry?.token ?? (await this.#resolve(ref));
      const due = entry !== undefined || !this.#isUsable(token);
      const valid = due ? await this.#refresh(token, 'due') : token;
      this.#remember(valid, key);
      return valid;
    });
  }

  /**
   * Exchanges a grant code (a Self Client code, or the `code` of the consent redirect) and saves
   * the token. A code already exchanged into the store gives the stored token back.
   */
  async exchangeGrantCode(code: string, options: GrantExchangeOptions = {}): Promise<OAuthToken> {
    const already = await this.store.findToken({ grantToken: code });
    if (already !== null) return this.#remember(already);

    const credentials = this.#credentials(options, 'grant exchange');
    const environment = options.environment ?? this.environment;
    const redirectUrl = options.redirectUrl ?? this.#options.client?.redirectUrl ?? null;
    this.#stats.grantExchanges++;
    const grant = await this.#accounts.exchangeGrantCode(environment, {
      ...credentials,
      code,
      redirectUrl,
    });
    if (grant.refreshToken === null) {
      this.#logger.warn('grant exchange gave no refresh token: the token cannot be refreshed');
    }

    const token = new OAuthToken({
      ...credentials,
      userSignature: options.userSignature,
      grantToken: code,
      redirectUrl,
      ...grantFields(grant),
      apiDomain: grant.apiDomain ?? environment.apiUrl,
    });
    const named = await this.#withUser(token, options.findUser);
    const saved = await this.store.saveToken(named);
    this.#logger.info('stored a new token', { id: saved.id, user: saved.userSignature });
    return this.#remember(saved);
  }

  /**
   * Asks Zoho for a new access token now, whatever the expiry, and whatever failure the store
   * recorded earlier (this is how an operator checks whether a token still works). Rejects with
   * a typed error when no new token was obtained; concurrent callers still share one refresh.
   */
  async refresh(ref: TokenRef): Promise<OAuthToken> {
    const token = await this.#resolve(ref);
    this.#forget(token);
    const refreshed = await this.#refresh(token, 'explicit');
    return this.#remember(refreshed, cacheKeyOf(ref));
  }

  /**
   * Revokes the token's refresh token at Zoho (every access token from it dies too) and deletes
   * it from the store.
   */
  async revoke(ref: TokenRef): Promise<void> {
    const token = await this.#resolve(ref);
    if (token.refreshToken === null) {
      throw new ZohoTokensError('ERR_TOKEN_INCOMPLETE', `${describeRef(ref)} has no refresh token`);
    }

    await this.#accounts.revokeToken(this.#environmentOf(token), token.refreshToken);
    this.#forget(token);
    if (token.id !== null) await this.store.deleteToken(token.id);
    this.#logger.info('revoked and deleted a token', { id: token.id, user: token.userSignature });
  }

  /**
   * An authorised CRM request (`path` below the token's API domain, or a full URL on it: the
   * token is never sent to another host). When Zoho
   * answers `401 INVALID_TOKEN` for a token believed valid, the store is re-read, the token
   * refreshed at most once (shared with every concurrent caller) and the request sent again once.
   */
  async fetch(ref: TokenRef, path: string, init: RequestInit = {}): Promise<Response> {
    const token = await this.getToken(ref);
    const response = await this.#send(token, path, init);
    if (response.status !== 401 || (await errorCode(response)) !== 'INVALID_TOKEN') return response;

    this.#logger.info('crm rejected an access token; refreshing', { id: token.id });
    this.#forget(token);
    const renewed = await this.#refresh(token, 'rejected');
    this.#remember(renewed, cacheKeyOf(ref));
    return this.#send(renewed, path, init);
  }

  /** Drops what this process remembers of a token, so the next call reads the store. */
  invalidate(ref: TokenRef): void {
    const entry = this.#cache.get(cacheKeyOf(ref));
    if (entry !== undefined) this.#forget(entry.token);
    this.#cache.delete(cacheKeyOf(ref));
  }

  /** Closes the store, if it can be closed. */
  async close(): Promise<void> {
    await this.store.close?.();
  }

  /** The stored token for a reference, following the official SDKs' flow for token refs. */
  async #resolve(ref: TokenRef): Promise<OAuthToken> {
    if (!(ref instanceof OAuthToken)) {
      const stored =
        'id' in ref
          ? await this.store.findTokenById(ref.id)
          : await this.store.findToken({ userSignature: ref.user });
      if (stored === null) throw notFound(describeRef(ref));
      return stored;
    }

    const stored =
      ref.id !== null ? await this.store.findTokenById(ref.id) : await this.store.findToken(ref);
    if (stored !== null) return stored.fillFrom(ref.with({ version: null }));
    return this.#firstUse(ref);
  }

  /** A token the store has never seen: exchange its grant, refresh it, or keep it as given. */
  async #firstUse(token: OAuthToken): Promise<OAuthToken> {
    if (token.refreshToken !== null) return this.#refreshNow(token);
    if (token.grantToken !== null) {
      return this.exchangeGrantCode(token.grantToken, {
        clientId: token.clientId ?? undefined,
        clientSecret: token.clientSecret ?? undefined,
        redirectUrl: token.redirectUrl ?? undefined,
        userSignature: token.userSignature ?? undefined,
      });
    }
    if (token.accessToken !== null && token.userSignature === null) {
      // The official SDKs persist an access-token-only token as given; it can never be refreshed.
      return this.store.saveToken(token);
    }

    throw notFound(describeRef(token));
  }

  /** One refresh per token across callers (single flight) and, with leases, across processes. */
  #refresh(seen: OAuthToken, mode: RefreshMode): Promise<OAuthToken> {
    // A forced refresh must not settle for the result of a 'due' one that may hand back the
    // old token, so the two kinds run in flights of their own.
    const key = `${seen.id ?? cacheKeyOf(seen)}:${mode === 'due' ? 'due' : 'forced'}`;
    return this.#refreshes.run(key, () => this.#refreshCoordinated({ seen, mode }));
  }

  async #refreshCoordinated(reason: RefreshReason): Promise<OAuthToken> {
    const current = await this.#reread(reason.seen);
    if (this.#refreshedElsewhere(current, reason)) return current;
    if (!hasLeases(this.store) || current.id === null)
      return this.#refreshNow(current, reason.mode);

    const lease = await this.#acquireLease(current.id);
    try {
      const latest = await this.#reread(current);
      if (this.#refreshedElsewhere(latest, reason)) return latest;
      return await this.#refreshNow(latest, reason.mode);
    } finally {
      await lease.release();
    }
  }

  async #acquireLease(id: string): Promise<Lease> {
    const ttlMs = this.#options.lease?.ttlMs ?? 30_000;
    const waitMs = this.#options.lease?.waitMs ?? ttlMs + 5_000;
    const lease = await this.store.acquireLease!(`refresh:${id}`, { ttlMs, waitMs });
    if (lease !== null) return lease;

    throw new ZohoTokensError(
      'ERR_LEASE_TIMEOUT',
      `no refresh lease for token ${id} in ${waitMs} ms`,
    );
  }

  /**
   * True when the token changed since the caller saw it stale (another caller or process
   * refreshed it) and the new one is usable. A token that merely still looks valid does not
   * count: the caller chose to refresh it, early (jitter) or because Zoho rejected it.
   */
  #refreshedElsewhere(latest: OAuthToken, reason: RefreshReason): boolean {
    const changed = latest.accessToken !== reason.seen.accessToken;
    if (!changed || latest.isExpired(this.#now(), EXPIRY_SKEW_MS)) return false;

    this.#stats.refreshesAvoided++;
    return true;
  }

  /** Calls Zoho's token endpoint and saves the result; the caller holds the lease, if any. */
  async #refreshNow(token: OAuthToken, mode: RefreshMode = 'due'): Promise<OAuthToken> {
    const blocked = this.#blocked(token, mode);
    if (blocked !== null) return blocked;

    const credentials = this.#credentials(token, 'refresh');
    const environment = this.#environmentOf(token);
    this.#limiter.record(token.refreshToken!, this.#now());
    this.#stats.refreshes++;

    let grant: TokenGrant;
    try {
      grant = await this.#accounts.refreshAccessToken(environment, {
        ...credentials,
        refreshToken: token.refreshToken!,
      });
    } catch (error) {
      return this.#refreshFailed(token, error, mode);
    }

    const refreshed = token.with({ ...credentials, ...grantFields(grant), state: null });
    const saved = await this.#saveRefreshed(await this.#withUser(refreshed));
    this.#logger.info('refreshed an access token', { id: saved.id, user: saved.userSignature });
    return saved;
  }

  /**
   * A token that must not be refreshed now: the still-valid token itself (a due refresh inside
   * the early window can wait), or a typed error. `null` when the refresh may go ahead.
   */
  #blocked(token: OAuthToken, mode: RefreshMode): OAuthToken | null {
    const now = this.#now();
    const state = mode === 'explicit' ? null : token.state;
    const canWait = mode === 'due' && !token.isExpired(now, EXPIRY_SKEW_MS);
    if (state?.kind === 'needs-login') {
      throw needsLogin(token, state.reason);
    }
    if (token.refreshToken === null) {
      if (canWait) return token;
      throw needsLogin(token, 'no refresh token');
    }

    const coolingUntil = state?.kind === 'cooling-down' ? state.untilMs : now;
    const until = Math.max(coolingUntil, this.#limiter.nextAllowedAt(token.refreshToken, now));
    if (until <= now) return null;
    if (canWait) return token;

    throw new OAuthError(
      'ERR_OAUTH_THROTTLED',
      `token ${token.id ?? ''} is cooling down for ${Math.ceil((until - now) / 1000)} s`.trim(),
      { kind: 'transient' },
    );
  }

  /** Records the failure in the store for every instance, then serves or throws. */
  async #refreshFailed(token: OAuthToken, error: unknown, mode: RefreshMode): Promise<OAuthToken> {
    if (!(error instanceof OAuthError)) throw error;

    if (!error.transient) {
      await this.#saveState(token, { kind: 'needs-login', reason: error.zohoError ?? error.code });
      throw needsLogin(token, error.zohoError ?? error.code, error);
    }

    const untilMs = this.#now() + (this.#options.coolDownMs ?? 30_000);
    await this.#saveState(token, { kind: 'cooling-down', reason: error.code, untilMs });
    if (mode === 'due' && !token.isExpired(this.#now(), EXPIRY_SKEW_MS)) return token;
    throw error;
  }

  /** Saves only the state; a token that changed meanwhile is left alone. */
  async #saveState(token: OAuthToken, state: TokenState): Promise<void> {
    if (token.id === null) return;

    try {
      await this.store.saveToken(new OAuthToken({ id: token.id, version: token.version, state }));
    } catch (error) {
      this.#logger.warn('could not record the token state', {
        id: token.id,
        code: (error as { code?: unknown }).code,
      });
    }
  }

  /**
   * Saves a refreshed token. A version conflict means another writer got there first: a usable
   * token of theirs wins; otherwise ours is written over the newer version once.
   */
  async #saveRefreshed(token: OAuthToken): Promise<OAuthToken> {
    try {
      return await this.store.saveToken(token);
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'ERR_STORE_CONFLICT' || token.id === null)
        throw error;

      const latest = await this.store.findTokenById(token.id);
      if (latest !== null && !latest.isExpired(this.#now(), EXPIRY_SKEW_MS)) return latest;
      return this.store.saveToken(token.with({ version: latest?.version ?? null }));
    }
  }

  async #reread(token: OAuthToken): Promise<OAuthToken> {
    if (token.id === null) return token;

    const stored = await this.store.findTokenById(token.id);
    if (stored === null) throw notFound(`token ${token.id}`);
    return stored.fillFrom(token.with({ version: null }));
  }

  async #withUser(token: OAuthToken, findUser?: boolean): Promise<OAuthToken> {
    const wanted = findUser ?? this.#options.findUser ?? true;
    if (!wanted || token.userSignature !== null || token.accessToken === null) return token;

    try {
      const apiDomain = token.apiDomain ?? this.environment.apiUrl;
      const user = await lookupUserSignature(apiDomain, token.accessToken, this.#fetch);
      return token.with({ userSignature: user });
    } catch (error) {
      // As in the official SDKs, a token whose user cannot be read is still saved, without one.
      this.#logger.warn('could not read the current user; saving the token without one', {
        code: (error as { code?: unknown }).code,
      });
      return token;
    }
  }

  #credentials(
    source: { clientId?: string | null; clientSecret?: string | null },
    operation: string,
  ): { clientId: string; clientSecret: string } {
    const clientId = source.clientId ?? this.#options.client?.clientId;
    const clientSecret = source.clientSecret ?? this.#options.client?.clientSecret;
    if (clientId && clientSecret) return { clientId, clientSecret };

    throw new ZohoTokensError(
      'ERR_TOKEN_INCOMPLETE',
      `${operation} needs a client id and secret (pass client to the manager, or store them)`,
    );
  }

  /** The environment of a stored token: never silently a default data centre. */
  #environmentOf(token: OAuthToken): ZohoEnvironment {
    if (token.apiDomain === null) return this.environment;

    const environment = environmentForApiDomain(token.apiDomain, [this.environment]);
    if (environment !== null) return environment;
    throw new ZohoTokensError(
      'ERR_DATA_CENTRE',
      `token ${token.id ?? ''} belongs to ${token.apiDomain}, which is no known data centre; ` +
        'pass that environment to the manager',
    );
  }

  async #send(token: OAuthToken, path: string, init: RequestInit): Promise<Response> {
    const url = apiUrlFor(this.#environmentOf(token).apiUrl, path);
    const headers = new Headers(init.headers);
    headers.set('authorization', `Zoho-oauthtoken ${token.accessToken}`);

    try {
      return await this.#fetch(url, { ...init, headers });
    } catch (error) {
      throw new ZohoTokensError('ERR_API', `crm request failed: ${new URL(url).pathname}`, {
        cause: error,
      });
    }
  }

  /** A usable token is served from memory until its refresh time. */
  #isUsable(token: OAuthToken): boolean {
    if (token.accessToken === null) return false;
    if (token.expiresAt === null) return token.refreshToken === null;

    return token.expiresAt - this.#now() > this.#refreshWindowMs();
  }

  #refreshWindowMs(): number {
    return this.#options.refreshWindowMs ?? 5 * 60_000;
  }

  #remember(token: OAuthToken, ...extraKeys: string[]): OAuthToken {
    const now = this.#now();
    const jitter = Math.random() * (this.#options.refreshJitterMs ?? 30_000);
    const early = (token.expiresAt ?? Number.POSITIVE_INFINITY) - this.#refreshWindowMs() - jitter;
    // A token living less than the window is still served for half its remaining life, so that a
    // short lifetime never turns into a refresh on every call.
    const halfLife = now + ((token.expiresAt ?? now) - now) / 2;
    const entry: CacheEntry = { token, refreshAt: Math.max(early, halfLife) };

    for (const key of new Set([...keysOf(token), ...extraKeys])) this.#cache.set(key, entry);
    return token;
  }

  #forget(token: OAuthToken): void {
    for (const key of keysOf(token)) this.#cache.delete(key);
  }
}

/**
 * The URL of a CRM request: `path` below the API domain, or a full URL on that same origin. A
 * token is never sent to another host, whatever the caller passes.
 */
function apiUrlFor(apiUrl: string, path: string): string {
  if (!/^[a-z][a-z0-9+.-]*:/i.test(path)) {
    return `${apiUrl}${path.startsWith('/') ? '' : '/'}${path}`;
  }

  const target = new URL(path);
  const own = new URL(apiUrl).origin;
  if (target.origin === own) return target.toString();
  throw new ZohoTokensError(
    'ERR_INVALID_ARGUMENT',
    `refusing to send a token to ${target.origin}: the token belongs to ${own}`,
  );
}

function keysOf(token: OAuthToken): string[] {
  const keys: string[] = [];
  if (token.id !== null) keys.push(`id:${token.id}`);
  if (token.userSignature !== null) keys.push(`user:${token.userSignature}`);
  return keys;
}

function grantFields(grant: TokenGrant) {
  return {
    accessToken: grant.accessToken,
    expiresAt: grant.expiresAt,
    // A refresh response has no refresh token and may lack api_domain: keep the stored ones.
    refreshToken: grant.refreshToken ?? undefined,
    apiDomain: grant.apiDomain ?? undefined,
  };
}

async function errorCode(response: Response): Promise<string | null> {
  const body: unknown = await response
    .clone()
    .json()
    .catch(() => null);
  const code = (body as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : null;
}

function notFound(what: string): ZohoTokensError {
  return new ZohoTokensError(
    'ERR_TOKEN_NOT_FOUND',
    `no stored token for ${what}; log in with a grant code first`,
  );
}

function needsLogin(token: OAuthToken, reason: string, cause?: unknown): ZohoTokensError {
  const who = token.userSignature ?? (token.id !== null ? `token ${token.id}` : 'the token');
  return new ZohoTokensError('ERR_NEEDS_LOGIN', `${who} needs a new login (${reason})`, { cause });
}

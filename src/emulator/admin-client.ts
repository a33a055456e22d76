import type {
  ClientRegistration,
  EmulatorStatsSnapshot,
  EmulatorUserInfo,
  FaultSettings,
  GrantCodeResponse,
} from './admin-types.js';

/** Options for {@link EmulatorAdmin.mintGrantCode} beyond user and scope. */
export interface MintGrantCodeOptions {
  /** The client the code is bound to; defaults to the emulator's start-up client. */
  clientId?: string;
  /** Code lifetime in seconds; defaults to the emulator's `grantCodeTtlS`. */
  ttlS?: number;
  /** Leads seeded in the org when the user is new. */
  leads?: number;
}

/** Thrown when the admin API answers with an error status. */
export class EmulatorAdminError extends Error {
  readonly status: number;

  constructor(message: string, status: number) {
    super(message);
    this.name = 'EmulatorAdminError';
    this.status = status;
  }
}

/**
 * A typed client for the emulator's admin API, over `fetch` only.
 *
 * @example
 * ```ts
 * const admin = new EmulatorAdmin(zoho); // or new EmulatorAdmin('http://127.0.0.1:PORT/_admin')
 * await admin.setFaults({ server_errors: 2 });
 * const { token_requests } = await admin.stats();
 * ```
 */
export class EmulatorAdmin {
  readonly #adminUrl: string;

  constructor(target: string | { adminUrl: string }) {
    const url = typeof target === 'string' ? target : target.adminUrl;
    this.#adminUrl = url.replace(/\/+$/, '');
  }

  /** Mints a self-client grant code (creating the user and an org when new); returns the code. */
  async mintGrantCode(
    user: string,
    scope?: string,
    options: MintGrantCodeOptions = {},
  ): Promise<string> {
    return (await this.mintGrantCodeDetailed(user, scope, options)).code;
  }

  /** Like {@link mintGrantCode}, also returning the user's ids and org. */
  mintGrantCodeDetailed(
    user: string,
    scope?: string,
    options: MintGrantCodeOptions = {},
  ): Promise<GrantCodeResponse> {
    return this.#call('POST', '/grant-codes', {
      user,
      scope,
      client_id: options.clientId,
      ttl_s: options.ttlS,
      leads: options.leads,
    });
  }

  /** A user the emulator knows, with their org's `id` and `zgid`. */
  user(email: string): Promise<EmulatorUserInfo> {
    return this.#call('GET', `/users/${encodeURIComponent(email)}`);
  }

  stats(): Promise<EmulatorStatsSnapshot> {
    return this.#call('GET', '/stats');
  }

  resetStats(): Promise<EmulatorStatsSnapshot> {
    return this.#call('POST', '/stats/reset');
  }

  /** Invalidates every access token issued so far; resolves to how many were live. */
  async expireAccessTokens(): Promise<number> {
    const body = await this.#call<{ expired: number }>('POST', '/expire-access-tokens');
    return body.expired;
  }

  setFaults(faults: FaultSettings): Promise<Required<FaultSettings>> {
    return this.#call('POST', '/faults', faults);
  }

  faults(): Promise<Required<FaultSettings>> {
    return this.#call('GET', '/faults');
  }

  clearFaults(): Promise<Required<FaultSettings>> {
    return this.#call('DELETE', '/faults');
  }

  /** Moves the emulator clock forward (grant-code and token expiry, limit windows). */
  async advanceClock(ms: number): Promise<void> {
    await this.#call('POST', '/clock', { advance_ms: ms });
  }

  registerClient(client: ClientRegistration): Promise<ClientRegistration> {
    return this.#call('POST', '/clients', client);
  }

  async #call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.#adminUrl}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const payload = (await response.json()) as unknown;
    if (!response.ok) {
      const message = (payload as { error?: unknown }).error;
      throw new EmulatorAdminError(
        `emulator admin ${method} ${path} failed: ${String(message ?? response.status)}`,
        response.status,
      );
    }
    return payload as T;
  }
}

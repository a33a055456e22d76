/** Wire shapes of the admin API (`{adminUrl}/...`), shared by its routes and its client. */

/** Token requests by grant type, as counted by `GET {admin}/stats`. */
export interface TokenRequestCounts {
  authorization_code: number;
  refresh_token: number;
  client_credentials: number;
}

/**
 * Body of `GET {admin}/stats`. The counters start at zero on every start, even with a
 * state file; the live token counts and clock offset reflect the restored state.
 */
export interface EmulatorStatsSnapshot {
  /** Every token-endpoint request with a known grant type, fault-answered ones included. */
  token_requests: TokenRequestCounts;
  /** Error bodies served by the token endpoint, by their `error` value. */
  token_errors: Record<string, number>;
  /** Successful revocations. */
  revocations: number;
  /** Revocation requests answered with HTTP 400. */
  revocation_failures: number;
  /** Every request under `/crm/`, failed ones included. */
  api_calls: number;
  /** Grant codes minted, by the admin API or the consent page. */
  grant_codes_issued: number;
  /** Token requests answered by an injected fault, by fault. */
  faults_served: { server_errors: number; throttle: number; invalid_code: number };
  /** Live tokens right now (not reset by `stats/reset`). */
  active_access_tokens: number;
  active_refresh_tokens: number;
  /** How far `clock` has been advanced, in milliseconds. */
  clock_offset_ms: number;
}

/**
 * Body of `POST {admin}/faults`. Latency applies to every token request until cleared;
 * the counts apply to that many next token requests, in the order server errors,
 * throttle, `invalid_code`.
 */
export interface FaultSettings {
  latency_ms?: number;
  server_errors?: number;
  throttle?: number;
  invalid_code?: number;
}

/** Body of `POST {admin}/grant-codes`. */
export interface GrantCodeRequest {
  user: string;
  /** Comma- or space-separated; defaults to CRM modules, users and org scopes. */
  scope?: string;
  client_id?: string;
  ttl_s?: number;
  /** Leads seeded in the org when the user is new (default 42). */
  leads?: number;
}

/** A user and their org as the emulator knows them. */
export interface EmulatorUserInfo {
  email: string;
  id: string;
  zuid: string;
  org: { id: string; zgid: string; company_name: string };
}

/** Response of `POST {admin}/grant-codes`. */
export interface GrantCodeResponse {
  code: string;
  expires_in_s: number;
  user: EmulatorUserInfo;
}

/** Body of `POST {admin}/clients`. */
export interface ClientRegistration {
  client_id: string;
  client_secret: string;
  redirect_uris?: string[];
}

/** Scopes a grant code gets when the admin request names none. */
export const DEFAULT_GRANT_SCOPE = 'ZohoCRM.modules.ALL,ZohoCRM.users.READ,ZohoCRM.org.READ';

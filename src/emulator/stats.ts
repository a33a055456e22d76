import type { EmulatorStatsSnapshot, TokenRequestCounts } from './admin-types.js';

export type GrantType = keyof TokenRequestCounts;
export type FaultKind = keyof EmulatorStatsSnapshot['faults_served'];

const GRANT_TYPES: ReadonlySet<string> = new Set<GrantType>([
  'authorization_code',
  'refresh_token',
  'client_credentials',
]);

export function isGrantType(value: string | undefined): value is GrantType {
  return value !== undefined && GRANT_TYPES.has(value);
}

type Counters = Omit<
  EmulatorStatsSnapshot,
  'active_access_tokens' | 'active_refresh_tokens' | 'clock_offset_ms'
>;

/** Counters tests read to see how many calls a client made (retries, refreshes, revokes). */
export class EmulatorStats {
  #counters: Counters = emptyCounters();

  countTokenRequest(grantType: GrantType): void {
    this.#counters.token_requests[grantType] += 1;
  }

  countTokenError(error: string): void {
    const errors = this.#counters.token_errors;
    errors[error] = (errors[error] ?? 0) + 1;
  }

  countFault(kind: FaultKind): void {
    this.#counters.faults_served[kind] += 1;
  }

  countRevocation(succeeded: boolean): void {
    if (succeeded) this.#counters.revocations += 1;
    else this.#counters.revocation_failures += 1;
  }

  countApiCall(): void {
    this.#counters.api_calls += 1;
  }

  countGrantCode(): void {
    this.#counters.grant_codes_issued += 1;
  }

  reset(): void {
    this.#counters = emptyCounters();
  }

  /** A deep copy, so callers cannot change the counters. */
  counters(): Counters {
    return structuredClone(this.#counters);
  }
}

function emptyCounters(): Counters {
  return {
    token_requests: { authorization_code: 0, refresh_token: 0, client_credentials: 0 },
    token_errors: {},
    revocations: 0,
    revocation_failures: 0,
    api_calls: 0,
    grant_codes_issued: 0,
    faults_served: { server_errors: 0, throttle: 0, invalid_code: 0 },
  };
}

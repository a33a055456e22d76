import type { FaultSettings } from './admin-types.js';
import type { FaultKind } from './stats.js';

/** Faults injected into the token endpoint by the admin API. */
export class FaultPlan {
  #latencyMs = 0;
  #pending: Record<FaultKind, number> = { server_errors: 0, throttle: 0, invalid_code: 0 };

  /** Sets the given knobs; knobs left out keep their value. */
  set(settings: FaultSettings): void {
    if (settings.latency_ms !== undefined) this.#latencyMs = settings.latency_ms;
    if (settings.server_errors !== undefined) this.#pending.server_errors = settings.server_errors;
    if (settings.throttle !== undefined) this.#pending.throttle = settings.throttle;
    if (settings.invalid_code !== undefined) this.#pending.invalid_code = settings.invalid_code;
  }

  clear(): void {
    this.#latencyMs = 0;
    this.#pending = { server_errors: 0, throttle: 0, invalid_code: 0 };
  }

  get latencyMs(): number {
    return this.#latencyMs;
  }

  /** The fault that answers the next token request, if any, used up as it is taken. */
  takeNext(): FaultKind | undefined {
    for (const kind of ['server_errors', 'throttle', 'invalid_code'] as const) {
      if (this.#pending[kind] > 0) {
        this.#pending[kind] -= 1;
        return kind;
      }
    }
    return undefined;
  }

  snapshot(): Required<FaultSettings> {
    return { latency_ms: this.#latencyMs, ...this.#pending };
  }
}

/** Checks an untrusted admin body; returns an error message or the settings. */
export function parseFaultSettings(body: unknown): FaultSettings | string {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return 'body must be a JSON object';
  }
  const settings: FaultSettings = {};
  for (const key of ['latency_ms', 'server_errors', 'throttle', 'invalid_code'] as const) {
    const value = (body as Record<string, unknown>)[key];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
      return `${key} must be a non-negative integer`;
    }
    settings[key] = value;
  }
  return settings;
}

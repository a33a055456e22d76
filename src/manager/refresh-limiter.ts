import { createHash } from 'node:crypto';

/** How many new access tokens Zoho allows per refresh token, and over how long. */
export interface RefreshLimit {
  count: number;
  windowMs: number;
}

/** Zoho's documented limit: 10 access tokens per refresh token per 10 minutes. */
export const ZOHO_REFRESH_LIMIT: RefreshLimit = { count: 10, windowMs: 10 * 60_000 };

/**
 * Counts this process's token requests per refresh token in a sliding window, so that the
 * manager stops before Zoho's throttle does (a throttled refresh token is blocked for the rest of
 * the window, for every process using it). Refresh tokens are kept only as hashes.
 */
export class RefreshLimiter {
  readonly #limit: RefreshLimit;
  readonly #sent = new Map<string, number[]>();

  constructor(limit: RefreshLimit = ZOHO_REFRESH_LIMIT) {
    this.#limit = limit;
  }

  /** When the next request for this refresh token may go out: `nowMs` if it may go now. */
  nextAllowedAt(refreshToken: string, nowMs: number): number {
    const recent = this.#recent(refreshToken, nowMs);
    if (recent.length < this.#limit.count) return nowMs;

    return recent[recent.length - this.#limit.count]! + this.#limit.windowMs;
  }

  /** Records a request sent now. */
  record(refreshToken: string, nowMs: number): void {
    const recent = this.#recent(refreshToken, nowMs);
    recent.push(nowMs);
    this.#sent.set(hash(refreshToken), recent);
  }

  #recent(refreshToken: string, nowMs: number): number[] {
    const times = this.#sent.get(hash(refreshToken)) ?? [];
    return times.filter((time) => nowMs - time < this.#limit.windowMs);
  }
}

function hash(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}

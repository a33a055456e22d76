import { ZohoTokensError } from '../errors.js';

/** The two expiry fields of a token response, as Zoho sends them. */
export interface ExpiryFields {
  expires_in?: unknown;
  expires_in_sec?: unknown;
}

/**
 * The absolute expiry (epoch milliseconds) of a token issued at `nowMs`.
 *
 * Zoho's current responses give `expires_in` in seconds. Legacy responses added
 * `expires_in_sec`, and then `expires_in` was already in milliseconds; the official SDKs branch
 * on the presence of that key, and so do we.
 */
export function expiresAtFrom(response: ExpiryFields, nowMs: number): number {
  const lifetime = toNumber(response.expires_in);
  if (lifetime === null || lifetime <= 0) {
    throw new ZohoTokensError('ERR_OAUTH_RESPONSE', 'token response has no valid expires_in');
  }

  const lifetimeMs = 'expires_in_sec' in response ? lifetime : lifetime * 1000;
  return nowMs + lifetimeMs;
}

/**
 * Reads a stored expiry: a decimal string of epoch milliseconds. Anything else (an empty field,
 * or the `"NaN"` the official TypeScript SDK writes when a response had no `expires_in`) reads
 * as unknown, which the manager treats as expired.
 */
export function parseExpiry(text: string | null | undefined): number | null {
  if (text === null || text === undefined) return null;
  if (!/^\d{1,16}$/.test(text.trim())) return null;

  return Number(text.trim());
}

/** Writes an expiry the way the official stores do: a decimal string of epoch milliseconds. */
export function formatExpiry(expiresAt: number | null): string | null {
  if (expiresAt === null || !Number.isFinite(expiresAt)) return null;

  return String(Math.trunc(expiresAt));
}

function toNumber(value: unknown): number | null {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && /^\d+$/.test(value)) return Number(value);

  return null;
}

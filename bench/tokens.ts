import { rowValues } from '../src/store/columns.js';
import { OAuthToken } from '../src/token/oauth-token.js';

/**
 * The synthetic tokens every store is filled with: token `i` (1 upwards) always has the same
 * values, so a store, its floor and the official store are queried for the same rows. Values
 * have the shapes and lengths of real Zoho values (ids `1000.` + 32 hex + `.` + 32 hex), since
 * the memory figures depend on them.
 */

/** The client every synthetic token belongs to (one app, many users). */
export const BENCH_CLIENT_ID = '1000.BENCHCLIENT00000000000000000000';
const BENCH_CLIENT_SECRET = 'b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0';
const REDIRECT_URL = 'https://bench.example/oauth/callback';
const API_DOMAIN = 'https://www.zohoapis.com';
// One fixed expiry an hour after the run starts: every token is valid during the run.
const EXPIRES_AT = Date.now() + 3_600_000;

/** The user name of token `i`, in the `email:zgid` form the official SDKs fill in. */
export function userOf(i: number): string {
  return flat(['user', i, '@bench.example:', 7_000_000_000 + i]);
}

/** Token `i` as stored: id `i`, version 1, no state. */
export function tokenAt(i: number): OAuthToken {
  return new OAuthToken({
    id: String(i),
    userSignature: userOf(i),
    clientId: BENCH_CLIENT_ID,
    clientSecret: BENCH_CLIENT_SECRET,
    refreshToken: zohoValue(i, 1),
    accessToken: zohoValue(i, 2),
    grantToken: zohoValue(i, 3),
    expiresAt: EXPIRES_AT,
    redirectUrl: REDIRECT_URL,
    apiDomain: API_DOMAIN,
    version: 1,
    state: null,
  });
}

/** The row of token `i`: the official ten columns, then `version` and `state`. */
export function rowAt(i: number): (string | number | null)[] {
  return rowValues(tokenAt(i));
}

/** An access token that no stored token has yet, for the `saveToken` updates. */
export function freshAccessToken(i: number, round: number): string {
  return zohoValue(i, 100 + round);
}

/**
 * The official TypeScript FileStore's file for tokens 1..n: its header, ten unquoted columns,
 * LF line ends and no newline after the last row (how that SDK writes it).
 */
export function officialCsv(n: number): string {
  const header =
    'id,user_mail,client_id,client_secret,refresh_token,access_token,grant_token,expiry_time,' +
    'redirect_url,api_domain';
  const lines = [header];
  for (let i = 1; i <= n; i++) {
    lines.push(
      rowAt(i)
        .slice(0, 10)
        .map((value) => value ?? '')
        .join(','),
    );
  }
  return lines.join('\n');
}

/**
 * `count` token numbers in 1..n, in a fixed pseudo-random order: the keys a benchmark cycles
 * through, so that a database does not answer the same cached row every time.
 */
export function sampleIndexes(n: number, count: number, seed = 1): number[] {
  const next = splitMix(seed);
  return Array.from({ length: count }, () => 1 + (next() % n));
}

/** Token `i` with its lookup values made in advance, so that no timing includes making them. */
export interface BenchKey {
  i: number;
  user: string;
  id: string;
  /** Two new access tokens: successive updates of the token alternate between them. */
  fresh: [string, string];
}

/** {@link sampleIndexes} as keys; a token drawn twice gets one key object. */
export function sampleKeys(n: number, count: number, seed = 1): BenchKey[] {
  const keys = new Map<number, BenchKey>();
  return sampleIndexes(n, count, seed).map((i) => {
    const key = keys.get(i) ?? {
      i,
      user: userOf(i),
      id: String(i),
      fresh: [freshAccessToken(i, 1), freshAccessToken(i, 2)],
    };
    keys.set(i, key);
    return key;
  });
}

/** Cycles through `keys` forever. */
export function cycle<T>(keys: readonly T[]): () => T {
  let at = 0;
  return () => {
    const key = keys[at]!;
    at = (at + 1) % keys.length;
    return key;
  };
}

/** `1000.` + 32 hex + `.` + 32 hex, fixed for (i, salt). */
function zohoValue(i: number, salt: number): string {
  const next = splitMix(i * 7919 + salt * 104_729);
  const hex = () => next().toString(16).padStart(8, '0');
  return flat(['1000.', hex(), hex(), hex(), hex(), '.', hex(), hex(), hex(), hex()]);
}

/**
 * Joins parts into one flat string. A template literal would leave a V8 rope (a tree of the
 * parts, several times the size), unlike the strings a real app gets from JSON or a database,
 * and the memory figures would count the ropes.
 */
function flat(parts: readonly (string | number)[]): string {
  return parts.join('');
}

/** A small 32-bit pseudo-random generator (splitmix32): fast and repeatable. */
function splitMix(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

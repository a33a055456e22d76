import type { OAuthToken } from '../../token/oauth-token.js';
import {
  EXTRA_COLUMNS,
  OFFICIAL_COLUMNS,
  rowValues,
  type TokenRow,
  tokenFromRow,
} from '../columns.js';

/** A token's hash as Redis holds it: field name to text, absent values left out. */
export type TokenHash = Record<string, string>;

/** A token as the scripts return it: the id they resolved and the token's hash. */
export interface StoredHash {
  id: string;
  hash: TokenHash;
}

const FIELDS = [...OFFICIAL_COLUMNS, ...EXTRA_COLUMNS];

/** The hash of a token: one field per column with a value, named like the official columns. */
export function hashOf(token: OAuthToken): TokenHash {
  const values = rowValues(token);
  const hash: TokenHash = {};
  FIELDS.forEach((field, at) => {
    const value = values[at];
    if (value !== null && value !== undefined) hash[field] = String(value);
  });

  return hash;
}

/** Reads a script reply `[id, field, value, ...]`; an empty reply is no token. */
export function storedHashOf(reply: readonly string[]): StoredHash | null {
  const [id, ...flat] = reply;
  if (id === undefined) return null;

  const hash: TokenHash = {};
  for (let at = 0; at + 1 < flat.length; at += 2) hash[flat[at]!] = flat[at + 1]!;
  return { id, hash };
}

/** The token a stored hash holds. The id is the one in the key name, whatever the hash says. */
export function tokenOf(stored: StoredHash): OAuthToken {
  return tokenFromRow({ ...stored.hash, id: stored.id } as unknown as TokenRow);
}

/** Decimal ids in numeric order (shorter first), then any others by text. */
export function byId(a: OAuthToken, b: OAuthToken): number {
  const left = a.id ?? '';
  const right = b.id ?? '';
  if (left.length !== right.length) return left.length - right.length;

  return left < right ? -1 : left > right ? 1 : 0;
}

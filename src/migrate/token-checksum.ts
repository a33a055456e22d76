import { createHash } from 'node:crypto';
import { formatState, OFFICIAL_COLUMNS, rowValues } from '../store/columns.js';
import type { OAuthToken } from '../token/oauth-token.js';

/**
 * What a migration must carry over, as one line of text per token: the ten official values
 * (expiry in its stored form) and our failure state, as a JSON array. The store's own
 * `version` counter is left out: each store counts its writes itself.
 */
export function canonicalToken(token: OAuthToken): string {
  const official = rowValues(token).slice(0, OFFICIAL_COLUMNS.length);
  return JSON.stringify([...official, formatState(token.state)]);
}

/**
 * SHA-256 (hex) over the canonical lines of `tokens`, sorted: two stores holding the same
 * tokens have the same checksum whatever order they list them in. It reveals no secret.
 */
export function tokensChecksum(tokens: Iterable<OAuthToken>): string {
  const lines = [...tokens].map(canonicalToken).sort();
  return createHash('sha256').update(lines.join('\n')).digest('hex');
}

import { ZohoTokensError } from '../errors.js';
import type { OAuthToken, TokenFields } from '../token/oauth-token.js';
import { canonicalToken } from './token-checksum.js';

/**
 * What a migration does with one source token:
 * - `copy`: the target has no token with its id;
 * - `update`: the target's token with that id differs, and a save (which keeps stored values
 *   the incoming token leaves absent) makes it equal;
 * - `replace`: it differs and the source lacks a value the target has, which only a delete and
 *   an insert clear;
 * - `unchanged`: the target already holds it.
 */
export type MigrationAction = 'copy' | 'update' | 'replace' | 'unchanged';

/** One planned step: the source token, what to do, and the target's token with its id. */
export interface MigrationStep {
  token: OAuthToken & { id: string };
  action: MigrationAction;
  stored: OAuthToken | null;
}

// The fields a save keeps from the stored row when the incoming token has none.
const MERGED_FIELDS: readonly (keyof TokenFields)[] = [
  'userSignature',
  'clientId',
  'clientSecret',
  'refreshToken',
  'accessToken',
  'grantToken',
  'expiresAt',
  'redirectUrl',
  'apiDomain',
];

/**
 * Plans a migration from the tokens of the source and of the target, before anything is
 * written: a source that cannot be copied faithfully is refused whole.
 * - every source token needs an id, and a distinct one (ids are kept);
 * - a user the target holds under another id, which the migration would not overwrite, is a
 *   conflict (copying would give the user two tokens).
 */
export function planMigration(
  source: readonly OAuthToken[],
  target: readonly OAuthToken[],
): MigrationStep[] {
  const sourceById = indexById(source, 'source');
  const targetById = indexById(target, 'target');
  const targetByUser = new Map(target.map((token) => [token.userSignature, token]));

  return [...sourceById.values()].sort(byId).map((token) => {
    checkUser(token, targetByUser, sourceById);
    const stored = targetById.get(token.id) ?? null;
    return { token, action: actionFor(token, stored), stored };
  });
}

function actionFor(token: OAuthToken, stored: OAuthToken | null): MigrationAction {
  if (stored === null) return 'copy';
  if (canonicalToken(token) === canonicalToken(stored)) return 'unchanged';

  const loses = MERGED_FIELDS.some((field) => token[field] === null && stored[field] !== null);
  return loses ? 'replace' : 'update';
}

function indexById(
  tokens: readonly OAuthToken[],
  side: 'source' | 'target',
): Map<string, OAuthToken & { id: string }> {
  const byId = new Map<string, OAuthToken & { id: string }>();
  for (const token of tokens) {
    if (!hasId(token)) {
      throw new ZohoTokensError(
        'ERR_STORE_CORRUPT',
        `the ${side} store holds a token without an id`,
      );
    }
    if (byId.has(token.id)) {
      throw new ZohoTokensError(
        'ERR_STORE_CORRUPT',
        `the ${side} store holds id ${token.id} twice`,
      );
    }
    byId.set(token.id, token);
  }

  return byId;
}

function checkUser(
  token: OAuthToken & { id: string },
  targetByUser: Map<string | null, OAuthToken>,
  sourceById: Map<string, OAuthToken>,
): void {
  if (token.userSignature === null) return;

  // A holder whose id the source also has is overwritten by the migration: no conflict.
  const holder = targetByUser.get(token.userSignature);
  if (holder === undefined || holder.id === token.id || sourceById.has(holder.id!)) return;

  throw new ZohoTokensError(
    'ERR_STORE_CONFLICT',
    `the target holds user ${token.userSignature} as token ${holder.id}, the source as token ` +
      `${token.id}; delete one of them first`,
  );
}

function hasId(token: OAuthToken): token is OAuthToken & { id: string } {
  return token.id !== null;
}

// Numeric ids in numeric order ("2" before "10"), any others after them.
function byId(a: OAuthToken & { id: string }, b: OAuthToken & { id: string }): number {
  const numeric = /^\d+$/;
  if (numeric.test(a.id) && numeric.test(b.id)) {
    const difference = BigInt(a.id) - BigInt(b.id);
    return difference === 0n ? 0 : difference < 0n ? -1 : 1;
  }
  if (numeric.test(a.id) !== numeric.test(b.id)) return numeric.test(a.id) ? -1 : 1;

  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

import { ZohoTokensError } from '../errors.js';
import type { TokenStore } from '../store/token-store.js';
import type { OAuthToken } from '../token/oauth-token.js';
import { type MigrationStep, planMigration } from './migration-plan.js';
import { canonicalToken, tokensChecksum } from './token-checksum.js';

/** What {@link migrateTokens} reports after each token. */
export interface MigrationProgress {
  /** Tokens handled so far, this one included. */
  done: number;
  /** Tokens in the source. */
  total: number;
  id: string;
  /** What happened to this token (in a dry run: what would have). */
  outcome: 'copied' | 'updated' | 'unchanged';
}

/** Options of {@link migrateTokens}. */
export interface MigrateOptions {
  from: TokenStore;
  to: TokenStore;
  /** Plan and report, write nothing. */
  dryRun?: boolean;
  onProgress?: (progress: MigrationProgress) => void;
}

/** The outcome of a migration: what was written, and whether the target now equals the source. */
export interface MigrationReport {
  /** Tokens the target did not have (in a dry run: would copy). */
  copied: number;
  /** Tokens the target had with other values. */
  updated: number;
  /** Tokens the target already held as they are. */
  unchanged: number;
  /** Tokens in the source. */
  total: number;
  dryRun: boolean;
  /** SHA-256 of the source's tokens at the end (see {@link tokensChecksum}). */
  checksum: string;
  /** The same over the target's tokens at the end. */
  targetChecksum: string;
  /** Tokens in the target at the end. */
  targetTotal: number;
  /** Same count and same checksum on both sides. A dry run tells whether a run is needed. */
  verified: boolean;
  /** Ids of source tokens the target lacks or holds with other values. */
  mismatched: string[];
  /** Ids of target tokens the source does not have (the migration never deletes them). */
  extra: string[];
}

/**
 * Copies every token from one store to another, keeping ids, then checks that both hold the
 * same tokens. Running it again changes nothing: a token the target already has with its id
 * is updated in place or left alone, never duplicated. Nothing is written when the source
 * cannot be copied faithfully (a token without an id, an id twice, a user the target holds
 * under another id).
 *
 * It reads each store whole, so it suits offline moves; tokens refreshed by a running app
 * during the copy show up as `mismatched`, and a second run picks them up.
 *
 * @example
 * ```ts
 * const from = await openStore('file:sdk_tokens.csv');
 * const to = await openStore('sqlite:zohooauth.db');
 * const report = await migrateTokens({ from, to });
 * if (!report.verified) throw new Error(`not copied faithfully: ${report.mismatched}`);
 * ```
 */
export async function migrateTokens(options: MigrateOptions): Promise<MigrationReport> {
  const { from, to, dryRun = false, onProgress } = options;
  if (from === to) {
    throw new ZohoTokensError('ERR_INVALID_ARGUMENT', 'source and target are the same store');
  }

  const [source, target] = await Promise.all([from.getTokens(), to.getTokens()]);
  const steps = planMigration(source, target);
  const counts = { copied: 0, updated: 0, unchanged: 0 };
  for (const [index, step] of steps.entries()) {
    if (!dryRun) await applyStep(to, step);

    const outcome = outcomeOf(step);
    counts[outcome] += 1;
    onProgress?.({ done: index + 1, total: steps.length, id: step.token.id, outcome });
  }

  const [sourceAfter, targetAfter] = dryRun
    ? [source, target]
    : await Promise.all([from.getTokens(), to.getTokens()]);
  return { ...counts, total: steps.length, dryRun, ...compareStores(sourceAfter, targetAfter) };
}

async function applyStep(to: TokenStore, { token, action, stored }: MigrationStep): Promise<void> {
  if (action === 'unchanged') return;
  if (action === 'update') {
    // The target's own version: a token changed in the target meanwhile is refused, not lost.
    await to.saveToken(token.with({ version: stored!.version }));
    return;
  }

  if (action === 'replace') await to.deleteToken(token.id);
  await to.saveToken(token.with({ version: null }));
}

function outcomeOf(step: MigrationStep): MigrationProgress['outcome'] {
  if (step.action === 'copy') return 'copied';
  if (step.action === 'unchanged') return 'unchanged';
  return 'updated';
}

type Comparison = Pick<
  MigrationReport,
  'checksum' | 'targetChecksum' | 'targetTotal' | 'verified' | 'mismatched' | 'extra'
>;

function compareStores(source: OAuthToken[], target: OAuthToken[]): Comparison {
  const checksum = tokensChecksum(source);
  const targetChecksum = tokensChecksum(target);
  const targetLines = new Map(target.map((token) => [token.id, canonicalToken(token)]));
  const sourceIds = new Set(source.map((token) => token.id));

  return {
    checksum,
    targetChecksum,
    targetTotal: target.length,
    verified: source.length === target.length && checksum === targetChecksum,
    mismatched: source
      .filter((token) => targetLines.get(token.id) !== canonicalToken(token))
      .map((token) => String(token.id)),
    extra: target.filter((token) => !sourceIds.has(token.id)).map((token) => String(token.id)),
  };
}

import { existsSync } from 'node:fs';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { ZohoTokensError } from '../../errors.js';
import {
  type MigrationProgress,
  type MigrationReport,
  migrateTokens,
} from '../../migrate/migrate.js';
import { openStore } from '../../store/open-store.js';
import { parseStoreUrl, pathAndQuery, redactStoreUrl } from '../../store/store-url.js';
import type { TokenStore } from '../../store/token-store.js';
import { examples, print, printJson } from '../output.js';

/** What `migrate` needs: two store URLs and how to report. */
export interface MigrateCommandOptions {
  from: string;
  to: string;
  dryRun?: boolean;
  json?: boolean;
  /** Where progress goes; defaults to stderr (a bar on a terminal, plain lines otherwise). */
  progress?: NodeJS.WriteStream | NodeJS.WritableStream;
}

/** `migrate --from URL --to URL [--dry-run]`: copies every token, keeping ids, and verifies. */
export function migrateCommand(program: Command): void {
  program
    .command('migrate')
    .description('copy every token from one store to another, keeping ids, and verify the copy')
    .requiredOption('--from <url>', 'the store to copy from')
    .requiredOption('--to <url>', 'the store to copy into (tokens it already has are updated)')
    .option('--dry-run', 'say what would be copied, write nothing')
    .addHelpText(
      'after',
      examples(
        'zoho-tokens migrate --from file:sdk_tokens.csv --to sqlite:zohooauth.db',
        'zoho-tokens migrate --from mysql://root@127.0.0.1/zohooauth --to sqlite:z.db --dry-run',
      ),
    )
    .action(async (options: { from: string; to: string; dryRun?: boolean }, command: Command) => {
      const { json } = command.optsWithGlobals<{ json?: boolean }>();
      await runMigrateCommand({ ...options, json });
    });
}

/**
 * Runs a migration between two store URLs and prints its report (JSON with `json`). A copy
 * that does not verify prints its report, then fails with `ERR_MIGRATION_UNVERIFIED`.
 */
export async function runMigrateCommand(options: MigrateCommandOptions): Promise<MigrationReport> {
  requireExistingSource(options.from);
  const from = await openStore(options.from);
  let to: TokenStore | null = null;
  try {
    to = await openStore(options.to);
    const progress = progressReporter(options.progress ?? process.stderr, options.dryRun);
    const report = await migrateTokens({
      from,
      to,
      dryRun: options.dryRun,
      onProgress: progress.update,
    }).finally(progress.stop);

    printReport(report, options);
    if (!report.dryRun && !report.verified) throw unverified(report, redactStoreUrl(options.to));
    return report;
  } finally {
    await from.close?.();
    await to?.close?.();
  }
}

/**
 * Opening a SQLite or file store creates its file: a mistyped source would be created empty and
 * "migrate" nothing, verified. So a source file must exist before anything is opened.
 */
function requireExistingSource(url: string): void {
  const { scheme, inner } = parseStoreUrl(url);
  if (scheme !== 'sqlite' && scheme !== 'file') return;

  const { path } = pathAndQuery(inner, scheme);
  if (path === ':memory:' || existsSync(path)) return;
  throw new ZohoTokensError('ERR_STORE_URL', `source ${redactStoreUrl(url)} does not exist`);
}

function printReport(report: MigrationReport, options: MigrateCommandOptions): void {
  const from = redactStoreUrl(options.from);
  const to = redactStoreUrl(options.to);
  if (options.json === true) {
    printJson(reportRecord(report, from, to));
    return;
  }

  const { copied, updated, unchanged } = report;
  const counts = `${copied} copied, ${updated} updated, ${unchanged} unchanged`;
  if (report.dryRun) {
    print(`dry run, nothing written: ${from} -> ${to} would be ${counts}`);
    print(report.verified ? 'the target already holds every token' : 'the target differs');
    return;
  }

  print(`migrated ${report.total} tokens from ${from} to ${to}: ${counts}`);
  if (report.verified) print(`verified: ${report.total} tokens, sha256 ${report.checksum}`);
  if (report.extra.length > 0) print(`the target also holds ids ${report.extra.join(', ')}`);
}

/** The JSON the CLI prints: snake_case like its other output. */
function reportRecord(report: MigrationReport, from: string, to: string) {
  return {
    from,
    to,
    dry_run: report.dryRun,
    total: report.total,
    copied: report.copied,
    updated: report.updated,
    unchanged: report.unchanged,
    verified: report.verified,
    checksum: report.checksum,
    target_checksum: report.targetChecksum,
    target_total: report.targetTotal,
    mismatched: report.mismatched,
    extra: report.extra,
  };
}

/** What to do about a copy that does not verify: only a mismatch is mended by another run. */
function unverified(report: MigrationReport, to: string): ZohoTokensError {
  if (report.mismatched.length > 0 || report.extra.length === 0) {
    const ids = report.mismatched.length > 0 ? `ids ${listed(report.mismatched)}` : 'counts';
    return new ZohoTokensError(
      'ERR_MIGRATION_UNVERIFIED',
      `the target does not hold what the source holds (${ids} differ); run migrate again, or ` +
        'check that the target store keeps every field',
    );
  }

  // Every source token arrived; migrate never deletes, so running it again changes nothing.
  const count = report.extra.length;
  return new ZohoTokensError(
    'ERR_MIGRATION_UNVERIFIED',
    `every token was copied, but the target holds ${count} token${count === 1 ? '' : 's'} the ` +
      `source doesn't have (ids ${listed(report.extra)}): migrate never deletes them; remove ` +
      `them with zoho-tokens delete ID --store ${to}, or migrate into an empty store`,
  );
}

/** Up to ten ids, then how many more. */
function listed(ids: readonly string[]): string {
  const shown = ids.slice(0, 10).join(', ');
  return ids.length > 10 ? `${shown} and ${ids.length - 10} more` : shown;
}

interface ProgressReporter {
  update(progress: MigrationProgress): void;
  stop(): void;
}

/** A bar on a terminal; otherwise a plain line at every tenth of the way and at the end. */
function progressReporter(
  stream: NodeJS.WriteStream | NodeJS.WritableStream,
  dryRun = false,
): ProgressReporter {
  const verb = dryRun ? 'checking' : 'migrating';
  if ('isTTY' in stream && stream.isTTY) return barReporter(stream, verb);

  return {
    update({ done, total }) {
      const step = Math.max(1, Math.ceil(total / 10));
      if (done % step === 0 || done === total) stream.write(`${verb}: ${done}/${total} tokens\n`);
    },
    stop() {},
  };
}

function barReporter(stream: NodeJS.WriteStream, verb: string): ProgressReporter {
  const bar = new cliProgress.SingleBar(
    { stream, format: `${verb} [{bar}] {value}/{total} tokens`, hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update({ done, total }) {
      if (!started) bar.start(total, 0);
      started = true;
      bar.update(done);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

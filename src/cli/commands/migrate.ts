import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { ZohoTokensError } from '../../errors.js';
import {
  type MigrationProgress,
  type MigrationReport,
  migrateTokens,
} from '../../migrate/migrate.js';
import { openStore } from '../../store/open-store.js';
import { redactStoreUrl } from '../../store/store-url.js';
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
    if (!report.dryRun && !report.verified) throw unverified(report);
    return report;
  } finally {
    await from.close?.();
    await to?.close?.();
  }
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

function unverified(report: MigrationReport): ZohoTokensError {
  const ids = report.mismatched.length > 0 ? `ids ${report.mismatched.join(', ')}` : 'counts';
  return new ZohoTokensError(
    'ERR_MIGRATION_UNVERIFIED',
    `the target does not hold what the source holds (${ids} differ); run migrate again, or ` +
      'check that the target store keeps every field',
  );
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

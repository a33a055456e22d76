import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import Table from 'cli-table3';
import { verifyTokenStore } from '../../conformance/index.js';
import type {
  CheckResult,
  ConformanceReport,
  CreateStore,
  VerifyOptions,
} from '../../conformance/types.js';
import { ZohoTokensError } from '../../errors.js';
import { UsageError } from '../errors.js';
import { print } from '../output.js';

/** What `verify-store` is given. */
export interface VerifyStoreArgs {
  /** A .js/.mjs/.cjs module, or a .ts one (loaded through tsx when it is installed). */
  modulePath: string;
  /** The export to use; default: `default`, else `createStore`, else the one store class. */
  exportName?: string;
  /** Print the report as JSON instead of a table. */
  json?: boolean;
  /** Where output goes. Default: stdout. */
  write?: (text: string) => void;
}

/** The named export a module may add to give the kit its hooks (reopen, breakStore...). */
export const OPTIONS_EXPORT = 'conformanceOptions';

/**
 * `zoho-tokens verify-store MODULE [--export NAME] [--json]`: runs the conformance kit on a
 * custom store and prints each behaviour, with what went wrong and how to fix it. The module
 * exports a store class (constructed with no arguments, once per check), a factory function, or
 * either as its default export; an optional `conformanceOptions` export passes hooks to the kit.
 * The exit code is 1 when any check fails.
 */
export async function verifyStoreCommand(
  args: VerifyStoreArgs,
): Promise<{ report: ConformanceReport; exitCode: number }> {
  const write = args.write ?? print;
  const loaded = await loadModule(args.modulePath);
  const { name, createStore } = storeExport(loaded, args.exportName);
  const options = (loaded[OPTIONS_EXPORT] ?? {}) as VerifyOptions;

  const report = await verifyTokenStore(createStore, options);
  if (args.json) {
    write(JSON.stringify({ module: args.modulePath, export: name, ...report }, null, 2));
  } else {
    write(
      `${args.modulePath} (export ${name})\n${reportTable(report.results)}\n${summary(report)}`,
    );
  }
  return { report, exitCode: report.ok ? 0 : 1 };
}

/** Imports the module; a TypeScript file goes through tsx when Node cannot read it alone. */
async function loadModule(modulePath: string): Promise<Record<string, unknown>> {
  const absolute = resolve(modulePath);
  if (!existsSync(absolute)) throw new UsageError(`no such module: ${modulePath}`);

  const url = pathToFileURL(absolute).href;
  try {
    if (/\.[cm]?tsx?$/.test(absolute)) return await importTypeScript(url);
    return (await import(url)) as Record<string, unknown>;
  } catch (error) {
    if (error instanceof ZohoTokensError) throw error;
    throw new ZohoTokensError('ERR_INVALID_ARGUMENT', `cannot load ${modulePath}`, {
      cause: error,
    });
  }
}

interface TsxApi {
  tsImport(specifier: string, parentUrl: string): Promise<Record<string, unknown>>;
}

async function importTypeScript(url: string): Promise<Record<string, unknown>> {
  // A variable, so that the bundler leaves tsx (a dev tool, maybe absent) out of the CLI.
  const tsxApi = 'tsx/esm/api';
  const tsx = (await import(tsxApi).catch(() => null)) as TsxApi | null;
  if (tsx !== null) return tsx.tsImport(url, import.meta.url);

  // Without tsx, Node itself may read it (a TypeScript loader is registered, or Node strips types).
  try {
    return (await import(url)) as Record<string, unknown>;
  } catch (error) {
    throw new ZohoTokensError(
      'ERR_DEPENDENCY_MISSING',
      'a TypeScript module needs tsx (npm install -D tsx), or compile it to .js first',
      { cause: error },
    );
  }
}

/** The export that makes stores, as a `createStore` for the kit. */
function storeExport(
  loaded: Record<string, unknown>,
  exportName: string | undefined,
): { name: string; createStore: CreateStore } {
  const name = exportName ?? defaultExportName(loaded);
  if (!(name in loaded)) {
    const known = Object.keys(loaded).sort().join(', ') || 'none';
    throw new UsageError(`the module has no export ${name} (its exports: ${known})`);
  }

  const value = loaded[name];
  if (isStoreClass(value)) return { name, createStore: () => new value() };
  if (typeof value === 'function') return { name, createStore: value as CreateStore };
  if (typeof (value as { findToken?: unknown } | null)?.findToken === 'function') {
    throw new UsageError(
      `export ${name} is a store object; export its class or a factory, so that each check ` +
        'gets a fresh, empty store',
    );
  }
  throw new UsageError(`export ${name} is neither a store class nor a factory function`);
}

function defaultExportName(loaded: Record<string, unknown>): string {
  if (loaded.default !== undefined) return 'default';
  if (typeof loaded.createStore === 'function') return 'createStore';

  const classes = Object.keys(loaded).filter((key) => isStoreClass(loaded[key]));
  if (classes.length === 1) return classes[0]!;
  const found = classes.length === 0 ? 'no store class' : `store classes ${classes.join(', ')}`;
  throw new UsageError(`the module exports ${found}; name the one to verify with --export NAME`);
}

type StoreClass = new () => Awaited<ReturnType<CreateStore>>;

function isStoreClass(value: unknown): value is StoreClass {
  const prototype = (value as { prototype?: { findToken?: unknown } } | null)?.prototype;
  return typeof value === 'function' && typeof prototype?.findToken === 'function';
}

const MARKS: Record<CheckResult['status'], string> = {
  passed: 'pass',
  failed: 'FAIL',
  skipped: 'skip',
};

/** One row per behaviour: failures say what happened, what was expected and how to fix it. */
function reportTable(results: readonly CheckResult[]): string {
  const table = new Table({
    head: ['', 'check', 'result'],
    // 100 columns in all; no rule between rows, so that a long report stays scannable.
    colWidths: [6, 32, 58],
    wordWrap: true,
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
    style: { head: [], border: [] },
  });
  for (const result of results) table.push([MARKS[result.status], result.id, detail(result)]);

  return table.toString();
}

function detail(result: CheckResult): string {
  const cleanup = result.cleanupError === undefined ? '' : `\ncleanup: ${result.cleanupError}`;
  if (result.status === 'passed') return `${result.title}${cleanup}`;
  if (result.status === 'skipped') return `${result.title}\nskipped: ${result.actual}`;

  return `${result.actual}\nexpected: ${result.expected}\nfix: ${result.hint}${cleanup}`;
}

function summary(report: ConformanceReport): string {
  const seconds = (report.durationMs / 1000).toFixed(1);
  const verdict = report.ok ? 'the store conforms' : 'the store does not conform';
  const counts = `${report.passed} passed, ${report.failed} failed, ${report.skipped} skipped`;
  return `${counts} in ${seconds} s: ${verdict}`;
}

import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyStoreCommand } from '../../src/cli/commands/verify-store.js';
import { CONFORMANCE_CHECKS } from '../../src/conformance/index.js';
import { isZohoTokensError } from '../../src/errors.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PLAIN_JS = join(ROOT, 'test/conformance/fixtures/plain-js-store.mjs');
const ODD_EXPORTS = join(ROOT, 'test/conformance/fixtures/odd-exports.mjs');

/** Runs the command, keeping what it prints. */
async function verify(modulePath: string, more: { exportName?: string; json?: boolean } = {}) {
  let output = '';
  const result = await verifyStoreCommand({
    modulePath,
    ...more,
    write: (text) => {
      output += text;
    },
  });
  return { ...result, output };
}

function idsRequiring(...requirements: string[]): number {
  return CONFORMANCE_CHECKS.filter((check) => requirements.includes(check.requires!)).length;
}

describe('verify-store with a JavaScript module', () => {
  it('verifies the default export and exits 0 when the store conforms', async () => {
    const { report, exitCode, output } = await verify(PLAIN_JS);

    expect(exitCode).toBe(0);
    expect(report.failed).toBe(0);
    const lacking = idsRequiring(
      'reopen',
      'breakStore',
      'rawRead',
      'leases',
      'compareAndSave',
      'close',
    );
    expect(report.skipped).toBe(lacking);
    expect(output).toMatch(/^.*plain-js-store\.mjs \(export default\)\n/);
    expect(output).toMatch(/│ pass │ match\.no-key\s+│ a query without a key matches nothing/);
    expect(output).toMatch(/│ skip │ lease\.exclusive/);
    expect(output).toMatch(
      new RegExp(
        `${report.passed} passed, 0 failed, ${lacking} skipped in [\\d.]+ s: the store conforms\\n?$`,
      ),
    );
  });

  it('verifies a named export, and exits 1 with the reason and the fix when it fails', async () => {
    const { report, exitCode, output } = await verify(PLAIN_JS, { exportName: 'FirstRowStore' });

    expect(exitCode).toBe(1);
    expect(report.results.filter((r) => r.status === 'failed').map((r) => r.id)).toEqual([
      'match.no-key',
    ]);
    const row = output.slice(output.indexOf('│ FAIL │'));
    expect(row).toMatch(/findToken\(\{\}\) returned token "1"/);
    expect(row).toMatch(/fix: when no rule applies return null/);
    expect(output).toMatch(/1 failed, .* the store does not conform/);
  });

  it('accepts a factory function', async () => {
    const { exitCode } = await verify(PLAIN_JS, { exportName: 'createStore' });

    expect(exitCode).toBe(0);
  });

  it('prints the report as JSON for scripts', async () => {
    const { output, exitCode } = await verify(PLAIN_JS, {
      exportName: 'FirstRowStore',
      json: true,
    });

    const printed = JSON.parse(output);
    expect(exitCode).toBe(1);
    expect(printed).toMatchObject({ export: 'FirstRowStore', ok: false, failed: 1 });
    expect(printed.results).toHaveLength(CONFORMANCE_CHECKS.length);
    expect(printed.results.find((r: { id: string }) => r.id === 'match.no-key')).toMatchObject({
      status: 'failed',
      hint: expect.stringMatching(/return null/),
    });
  });
});

describe('verify-store with a TypeScript module', () => {
  const previous = process.cwd();
  const folder = mkdtempSync(join(tmpdir(), 'zoho-tokens-verify-'));
  // The JSON file store, made with no arguments, keeps its file in the working folder.
  beforeAll(() => process.chdir(folder));
  afterAll(() => {
    process.chdir(previous);
    rmSync(folder, { recursive: true, force: true });
  });

  it('loads it through tsx and uses its default export', async () => {
    const { exitCode, report } = await verify(join(ROOT, 'examples/list-store.ts'));

    expect(exitCode).toBe(0);
    expect(report.passed).toBeGreaterThan(30);
  });

  it('takes the one store class and the hooks of its conformanceOptions export', async () => {
    const { exitCode, report, output } = await verify(join(ROOT, 'examples/json-file-store.ts'));

    expect(exitCode).toBe(0);
    expect(output).toMatch(/\(export JsonFileStore\)/);
    expect(report.skipped).toBe(idsRequiring('leases'));
    expect(readdirSync(folder)).toEqual([]);
  });
});

describe('verify-store refuses', () => {
  const refusal = (promise: Promise<unknown>, pattern: RegExp) =>
    expect(promise).rejects.toSatisfy(
      (error) => isZohoTokensError(error, 'ERR_USAGE') && pattern.test((error as Error).message),
    );

  it('a module that does not exist', async () => {
    await refusal(verify(join(ROOT, 'no/such/store.mjs')), /^no such module: /);
  });

  it('an export that does not exist, listing the exports', async () => {
    await refusal(
      verify(PLAIN_JS, { exportName: 'Nope' }),
      /no export Nope \(its exports: FirstRowStore, createStore, default\)/,
    );
  });

  it('two store classes without a default, asking for --export', async () => {
    await refusal(verify(ODD_EXPORTS), /store classes StoreA, StoreB; name the one .* --export/);
  });

  it('a store object, which cannot give each check a fresh store', async () => {
    await refusal(
      verify(ODD_EXPORTS, { exportName: 'instance' }),
      /is a store object; export its class/,
    );
  });
});

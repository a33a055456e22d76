import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CONFORMANCE_CHECKS } from '../../src/conformance/index.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SUITE = 'test/conformance/fixtures/node-test-suite.ts';

/** Runs the node:test suite in its own Node process with the TAP reporter. */
function runNodeTest(store: 'sqlite' | 'first-row') {
  const run = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--test', '--test-reporter=tap', SUITE],
    { cwd: ROOT, env: { ...process.env, KIT_STORE: store }, encoding: 'utf8', timeout: 120_000 },
  );
  const count = (name: string) =>
    Number(new RegExp(`^# ${name} (\\d+)$`, 'm').exec(run.stdout)?.[1]);
  return {
    status: run.status,
    output: run.stdout,
    pass: count('pass'),
    fail: count('fail'),
    skipped: count('skipped'),
  };
}

/** An SQLite `:memory:` store cannot be reopened: those checks are the skipped ones. */
const REOPEN_CHECKS = CONFORMANCE_CHECKS.filter((check) => check.requires === 'reopen');

describe('registerConformanceTests in node:test', () => {
  it('registers one test per check; a conforming store passes them', { timeout: 120_000 }, () => {
    const run = runNodeTest('sqlite');

    expect(run.status).toBe(0);
    expect(run.fail).toBe(0);
    expect(run.skipped).toBe(REOPEN_CHECKS.length);
    expect(run.pass).toBe(CONFORMANCE_CHECKS.length - REOPEN_CHECKS.length);
    expect(run.output).toMatch(/# Subtest: match\.no-key: a query without a key matches nothing/);
    expect(run.output).toMatch(/ok \d+ - persist\.reopen: .* # SKIP options\.reopen not given/);
  });

  it('fails the run on a broken store, saying what it did and how to fix it', {
    timeout: 120_000,
  }, () => {
    const run = runNodeTest('first-row');

    expect(run.status).toBe(1);
    expect(run.fail).toBe(1);
    expect(run.output).toMatch(/not ok \d+ - match\.no-key: a query without a key matches nothing/);
    expect(run.output).toMatch(
      /actual: findToken\(\{\}\) returned token "1" \(user "bob@example\.com"\) instead of null/,
    );
    expect(run.output).toMatch(/fix: when no rule applies return null before querying/);
  });
});

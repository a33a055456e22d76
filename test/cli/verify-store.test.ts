import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli, tempFolder } from './cli.js';

let folder: ReturnType<typeof tempFolder>;
beforeEach(() => {
  folder = tempFolder();
});
afterEach(() => folder.remove());

/** A store that keeps nothing: every lookup misses. */
const FORGETFUL_STORE = `
export default class ForgetfulStore {
  async findToken() { return null; }
  async findTokenById() { return null; }
  async saveToken(token) { return token; }
  async deleteToken() {}
  async getTokens() { return []; }
  async deleteTokens() {}
}
`;

describe('zoho-tokens verify-store', () => {
  it('reports a conforming store and exits 0', async () => {
    const result = await runCli(['verify-store', 'examples/list-store.ts']);

    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/\d+ passed, 0 failed, .*the store conforms\n$/);
  });

  it('reports the failed checks of a broken store and exits 1', async () => {
    const module = join(folder.path, 'forgetful-store.mjs');
    writeFileSync(module, FORGETFUL_STORE);

    const result = await runCli(['--json', 'verify-store', module]);

    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({ ok: false, export: 'default' });
    expect(report.failed).toBeGreaterThan(0);
    const failed = report.results.filter((check: { status: string }) => check.status === 'failed');
    expect(failed.map((check: { id: string }) => check.id)).toContain('match.user');
  });
});

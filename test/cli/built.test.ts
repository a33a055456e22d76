import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Options } from 'tsup';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import config from '../../tsup.config.js';
import { runCli, tempFolder } from './cli.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
let outDir: string;
let cli: string;

// The project's own CLI build (shebang banner, bundling), written to a private folder inside
// the repository (so node_modules resolves) rather than dist/, which other runs may be using.
beforeAll(async () => {
  outDir = mkdtempSync(join(ROOT, 'node_modules/.cache-cli-build-'));
  const cliBuild = (config as Options[]).find((options) =>
    JSON.stringify(options.entry).includes('cli'),
  );
  await build({ ...cliBuild, outDir, clean: false, silent: true, config: false });
  cli = join(outDir, 'cli.js');
}, 120_000);
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

describe('the built zoho-tokens (dist/cli.js)', () => {
  it('is an executable with a shebang that runs the demo', async () => {
    const folder = tempFolder();
    try {
      expect(statSync(cli).mode & 0o111).not.toBe(0);

      const result = await runCli(['--json', 'demo'], { cwd: folder.path, executable: cli });

      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout)).toMatchObject({ ok: true, refreshes: { emulator: 1 } });
    } finally {
      folder.remove();
    }
  });

  it('prints the version of package.json with --version', async () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));

    const result = await runCli(['--version'], { executable: cli });

    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`${version}\n`);
  });
});

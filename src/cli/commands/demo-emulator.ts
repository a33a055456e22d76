import { basename, dirname, extname, join } from 'node:path';
import { type RunningEmulator, startEmulator } from '../../emulator/index.js';
import { parseStoreUrl, pathAndQuery } from '../../store/store-url.js';

/** Where the demo's emulator state lives when the store is not an SQLite file. */
const DEFAULT_STATE_FILE = 'zohooauth.emulator.json';

/**
 * The emulator's state file: next to an SQLite store (`zohooauth.db` → `zohooauth.emulator.json`),
 * else in the current folder. It lets a second demo run find the same emulator (port, users,
 * refresh tokens) that issued the stored token.
 */
export function emulatorStatePath(storeUrl: string, override?: string): string {
  if (override !== undefined) return override;

  const { scheme, inner } = parseStoreUrl(storeUrl);
  if (scheme !== 'sqlite') return DEFAULT_STATE_FILE;
  const { path } = pathAndQuery(inner, 'sqlite');
  if (path === ':memory:') return DEFAULT_STATE_FILE;
  return join(dirname(path), `${basename(path, extname(path))}.emulator.json`);
}

/**
 * The demo's emulator on loopback, restoring its state from `statePath`. Its port is the saved
 * one when that is free (a stored token names it in its API domain), else a new one.
 */
export function startDemoEmulator(statePath: string): Promise<RunningEmulator> {
  return startEmulator({ statePath });
}

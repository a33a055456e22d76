import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { isZohoTokensError } from '../../../src/errors.js';
import { generateKey, Keyring } from '../../../src/store/encrypted/keyring.js';

function entry(id: string): string {
  return `${id}:${randomBytes(32).toString('base64')}`;
}

function errorOf(run: () => unknown): { code: string; message: string } {
  try {
    run();
  } catch (error) {
    if (isZohoTokensError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected an error');
}

describe('Keyring', () => {
  it('reads comma-separated entries, the first being the current key', () => {
    const keyring = Keyring.parse(`${entry('k2')}, ${entry('k1')}`);

    expect(keyring.current.id).toBe('k2');
    expect(keyring.ids).toEqual(['k2', 'k1']);
    expect(keyring.key('k1')?.id).toBe('k1');
    expect(keyring.key('k3')).toBeUndefined();
  });

  it('accepts url-safe base64 and derives distinct subkeys', () => {
    const key = randomBytes(32);
    const keyring = Keyring.parse(`k:${key.toString('base64url')}`);

    expect(keyring.current.encryptionKey).toHaveLength(32);
    expect(keyring.current.encryptionKey.equals(key)).toBe(false);
    expect(keyring.current.encryptionKey.equals(keyring.current.macKey)).toBe(false);
  });

  it('prefers ZOHO_TOKENS_KEYS, then the key file, else ERR_KEY_MISSING', () => {
    const dir = mkdtempSync(join(tmpdir(), 'zt-keys-'));
    const file = join(dir, 'keys');
    writeFileSync(file, `# rotated 2025-06\n${entry('new')}\n\n${entry('old')}\n`);
    try {
      const fromFile = Keyring.fromEnvironment({ ZOHO_TOKENS_KEY_FILE: file });
      expect(fromFile.ids).toEqual(['new', 'old']);

      const fromVariable = Keyring.fromEnvironment({
        ZOHO_TOKENS_KEYS: entry('env'),
        ZOHO_TOKENS_KEY_FILE: file,
      });
      expect(fromVariable.ids).toEqual(['env']);

      expect(errorOf(() => Keyring.fromEnvironment({})).code).toBe('ERR_KEY_MISSING');
      const missingFile = join(dir, 'nope');
      expect(
        errorOf(() => Keyring.fromEnvironment({ ZOHO_TOKENS_KEY_FILE: missingFile })).code,
      ).toBe('ERR_KEY_MISSING');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses short keys, bad base64, duplicate ids and bad ids without printing the key', () => {
    const short = `k1:${randomBytes(16).toString('base64')}`;
    const shortError = errorOf(() => Keyring.parse(short));
    expect(shortError.code).toBe('ERR_INVALID_ARGUMENT');
    expect(shortError.message).not.toContain(short.slice(3));

    expect(errorOf(() => Keyring.parse('k1:not base64!')).code).toBe('ERR_INVALID_ARGUMENT');
    expect(errorOf(() => Keyring.parse(`${entry('k1')},${entry('k1')}`)).message).toMatch(/twice/);
    expect(errorOf(() => Keyring.parse(entry('bad id'))).code).toBe('ERR_INVALID_ARGUMENT');
    const noColon = randomBytes(32).toString('base64');
    const noColonError = errorOf(() => Keyring.parse(noColon));
    expect(noColonError.message).not.toContain(noColon);
    expect(errorOf(() => Keyring.parse('')).code).toBe('ERR_KEY_MISSING');
  });

  it('shows key ids, never key material, when printed or serialised', () => {
    const text = entry('k1');
    const keyring = Keyring.parse(text);
    const material = text.slice(3);

    for (const shown of [
      inspect(keyring, { depth: 10, showHidden: true }),
      JSON.stringify(keyring),
      inspect(keyring.current, { depth: 10 }),
      JSON.stringify(keyring.current),
    ]) {
      expect(shown).toContain('k1');
      expect(shown).not.toContain(material);
      expect(shown).not.toContain(keyring.current.encryptionKey.toString('hex').slice(0, 16));
    }
  });

  it('generates entries a keyring accepts, each a new key', () => {
    const first = generateKey();
    const second = generateKey('k9');

    expect(Keyring.parse(first).current.id).toMatch(/^k\d{8}-[0-9a-f]{6}$/);
    expect(second.startsWith('k9:')).toBe(true);
    expect(Keyring.parse(`${second},${first}`).ids).toHaveLength(2);
    expect(first.split(':')[1]).not.toBe(second.split(':')[1]);
  });
});

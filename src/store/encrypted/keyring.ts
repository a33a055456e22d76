import { hkdfSync, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import { ZohoTokensError } from '../../errors.js';

/** One key of a keyring, as given: an id (stored in every value) and 32 random bytes. */
export interface KeyEntry {
  id: string;
  key: Uint8Array;
}

/**
 * The working form of a key: two subkeys derived from it by HKDF-SHA256, one for AES-256-GCM
 * and one for the HMAC that makes synthetic IVs, so the raw key is used for neither. Only the
 * id shows when it is printed or serialised.
 */
export class DerivedKey {
  readonly id: string;
  readonly #encryptionKey: Buffer;
  readonly #macKey: Buffer;

  constructor(entry: KeyEntry) {
    this.id = entry.id;
    this.#encryptionKey = subkey(entry.key, 'aes-256-gcm');
    this.#macKey = subkey(entry.key, 'synthetic-iv');
    Object.freeze(this);
  }

  get encryptionKey(): Buffer {
    return this.#encryptionKey;
  }

  get macKey(): Buffer {
    return this.#macKey;
  }
}

/** The environment variable with the keys: `k2:BASE64,k1:BASE64`, the current key first. */
export const KEYS_VARIABLE = 'ZOHO_TOKENS_KEYS';
/** The environment variable naming a key file: the same entries, one per line. */
export const KEY_FILE_VARIABLE = 'ZOHO_TOKENS_KEY_FILE';

const KEY_BYTES = 32;
const KEY_ID = /^[A-Za-z0-9_.-]{1,64}$/;

/**
 * The keys of an encrypted store: the current key, which encrypts every write, and older keys,
 * kept only to read values written before a rotation. Key material never shows in
 * `util.inspect`, `JSON.stringify` or error messages; only key ids do.
 *
 * @example
 * ```ts
 * const keyring = Keyring.parse(process.env.ZOHO_TOKENS_KEYS ?? '');
 * const store = new EncryptedStore(new SqliteStore({ path: 'tokens.db' }), keyring);
 * ```
 */
export class Keyring {
  readonly #keys: readonly DerivedKey[];

  /** `entries[0]` is the current key. Key ids must be unique; keys must be 32 bytes. */
  constructor(entries: readonly KeyEntry[]) {
    if (entries.length === 0) {
      throw new ZohoTokensError('ERR_KEY_MISSING', 'a keyring needs at least one key');
    }

    const seen = new Set<string>();
    for (const entry of entries) checkEntry(entry, seen);
    this.#keys = entries.map((entry) => new DerivedKey(entry));
  }

  /**
   * Reads entries `ID:BASE64KEY` separated by commas or new lines (the current key first).
   * Blank lines and lines starting with `#` are skipped, so a key file may carry comments.
   */
  static parse(text: string): Keyring {
    const entries = text
      .split(/[,\n]/)
      .map((entry) => entry.trim())
      .filter((entry) => entry !== '' && !entry.startsWith('#'))
      .map(parseEntry);

    return new Keyring(entries);
  }

  /**
   * The keyring the environment names: `ZOHO_TOKENS_KEYS`, else the file named by
   * `ZOHO_TOKENS_KEY_FILE`, else `ERR_KEY_MISSING`.
   */
  static fromEnvironment(env: NodeJS.ProcessEnv = process.env): Keyring {
    const keys = env[KEYS_VARIABLE]?.trim();
    if (keys) return Keyring.parse(keys);

    const file = env[KEY_FILE_VARIABLE]?.trim();
    if (file) return Keyring.parse(readKeyFile(file));

    throw new ZohoTokensError(
      'ERR_KEY_MISSING',
      `no encryption keys: set ${KEYS_VARIABLE} or ${KEY_FILE_VARIABLE}`,
    );
  }

  /** The keyring of `keys` when given (as for {@link Keyring.parse}), else of the environment. */
  static load(keys?: string, env: NodeJS.ProcessEnv = process.env): Keyring {
    return keys === undefined ? Keyring.fromEnvironment(env) : Keyring.parse(keys);
  }

  /** The key every write is encrypted with. */
  get current(): DerivedKey {
    return this.#keys[0]!;
  }

  /** Every key, the current one first: the order lookups try them in. */
  get keys(): readonly DerivedKey[] {
    return this.#keys;
  }

  /** The ids, current first. */
  get ids(): string[] {
    return this.#keys.map((key) => key.id);
  }

  /** The key with this id, or `undefined`. */
  key(id: string): DerivedKey | undefined {
    return this.#keys.find((key) => key.id === id);
  }

  toJSON(): { ids: string[] } {
    return { ids: this.ids };
  }

  [inspect.custom](): string {
    return `Keyring { ids: ${JSON.stringify(this.ids)} }`;
  }
}

/**
 * A new keyring entry, `ID:BASE64KEY`, with 32 random bytes: put it first in
 * `ZOHO_TOKENS_KEYS` (or the key file) to make it the current key, then run `rotate-key`.
 *
 * @example
 * ```ts
 * console.log(generateKey()); // k20250611-3fa9c1:9b1z...=
 * ```
 */
export function generateKey(id: string = defaultKeyId()): string {
  if (!KEY_ID.test(id)) throw invalidKey(`invalid key id ${JSON.stringify(id)}`);

  return `${id}:${randomBytes(KEY_BYTES).toString('base64')}`;
}

function defaultKeyId(): string {
  const day = new Date().toISOString().slice(0, 10).replaceAll('-', '');
  return `k${day}-${randomBytes(3).toString('hex')}`;
}

function parseEntry(entry: string, position: number): KeyEntry {
  const colon = entry.indexOf(':');
  const id = colon === -1 ? '' : entry.slice(0, colon);
  const encoded = colon === -1 ? '' : entry.slice(colon + 1).trim();
  // The message names the entry's position, never its text: that would print the key.
  if (id === '' || encoded === '') throw invalidKey(`key entry ${position + 1} is not ID:BASE64`);
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(encoded)) {
    throw invalidKey(`key ${JSON.stringify(id)} is not base64`);
  }

  return { id, key: Buffer.from(encoded, 'base64') };
}

function checkEntry(entry: KeyEntry, seen: Set<string>): void {
  if (!KEY_ID.test(entry.id)) throw invalidKey(`invalid key id ${JSON.stringify(entry.id)}`);
  if (seen.has(entry.id)) throw invalidKey(`key id ${JSON.stringify(entry.id)} appears twice`);
  if (entry.key.length !== KEY_BYTES) {
    throw invalidKey(`key ${JSON.stringify(entry.id)} must be ${KEY_BYTES} bytes`);
  }
  seen.add(entry.id);
}

function subkey(key: Uint8Array, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), `zoho-tokens zt1 ${purpose}`, 32));
}

function readKeyFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new ZohoTokensError('ERR_KEY_MISSING', `cannot read the key file ${path}`, {
      cause: error,
    });
  }
}

function invalidKey(message: string): ZohoTokensError {
  return new ZohoTokensError('ERR_INVALID_ARGUMENT', message);
}

import type { EncryptedStore } from './encrypted-store.js';

/** What {@link rotateKeys} did. */
export interface RotationResult {
  /** Tokens re-encrypted under the current key. */
  rotated: number;
  /** Tokens in the store, including those already under the current key. */
  total: number;
  /** The key every token is now encrypted with. */
  keyId: string;
}

/**
 * Re-encrypts every token of the store under the keyring's current key, one token at a time,
 * each with the version it was read at (a token changed meanwhile is read again). Tokens already
 * under the current key are decrypted (to prove the keyring reads them) but not rewritten, so
 * running it twice is harmless. A token that cannot be decrypted stops the rotation with
 * `ERR_DECRYPT` or `ERR_KEY_MISSING`; the tokens before it stay rotated.
 *
 * Once it has run, and every process writing to the store uses the new keyring, the old key can
 * be dropped from the keyring.
 *
 * @example
 * ```ts
 * // ZOHO_TOKENS_KEYS="k2:NEWKEY,k1:OLDKEY"
 * const store = await openStore('encrypted+sqlite:tokens.db');
 * const { rotated } = await rotateKeys(store as EncryptedStore);
 * ```
 */
export async function rotateKeys(store: EncryptedStore): Promise<RotationResult> {
  const rows = await store.inner.getTokens();
  let rotated = 0;
  for (const row of rows) {
    if (row.id !== null && (await store.reencrypt(row.id))) rotated += 1;
  }

  return { rotated, total: rows.length, keyId: store.keyring.current.id };
}

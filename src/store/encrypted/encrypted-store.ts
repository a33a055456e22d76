import { isZohoTokensError } from '../../errors.js';
import type { OAuthToken, TokenInit } from '../../token/oauth-token.js';
import { type MatchKey, matchKeyOf } from '../matching.js';
import {
  hasLeases,
  type Lease,
  type LeaseOptions,
  type TokenQuery,
  type TokenStore,
} from '../token-store.js';
import {
  decryptField,
  encryptField,
  keyIdOf,
  SECRET_FIELDS,
  type SecretField,
} from './field-cipher.js';
import type { Keyring } from './keyring.js';

type SearchableField = Exclude<SecretField, 'clientSecret'>;

// A save without a version re-reads and retries when another writer got in between.
const MAX_SAVE_ATTEMPTS = 10;

/**
 * Encryption at rest around any store: the client secret and the refresh, access and grant
 * tokens are stored as `zt1:<keyId>:<iv>:<ciphertext>:<tag>` (AES-256-GCM, see
 * {@link encryptField}); the user name, client id, expiry, redirect URL and API domain stay
 * readable, so lookups by user and by id go straight to the inner store.
 *
 * Lookups by refresh, access or grant token still use the inner store's indexes: those fields
 * are encrypted deterministically (a synthetic IV), and a lookup tries the ciphertext under each
 * key of the keyring, the current key first. The trade-off is that equal values are visibly
 * equal in the store; `docs/encryption.md` has the full picture.
 *
 * A save first reads the stored token and decrypts it. If that fails (`ERR_DECRYPT`,
 * `ERR_KEY_MISSING`) nothing is written: a row this keyring cannot read is never overwritten.
 * The merged token is then written under the current key with the version that was read, so a
 * concurrent writer is never silently overwritten either.
 *
 * A wrong key under the right id cannot be told apart from a miss on a lookup by refresh,
 * access or grant token (the ciphertext simply differs); lookups by user or id, and every read
 * of a stored token, fail with `ERR_DECRYPT`.
 *
 * @example
 * ```ts
 * const keyring = Keyring.fromEnvironment(); // ZOHO_TOKENS_KEYS="k2:BASE64,k1:BASE64"
 * const store = new EncryptedStore(new SqliteStore({ path: 'tokens.db' }), keyring);
 * ```
 */
export class EncryptedStore implements TokenStore {
  readonly inner: TokenStore;
  readonly keyring: Keyring;
  /** Present when the inner store has leases: they hold no secrets and pass straight through. */
  readonly acquireLease?: (key: string, options: LeaseOptions) => Promise<Lease | null>;

  constructor(inner: TokenStore, keyring: Keyring) {
    this.inner = inner;
    this.keyring = keyring;
    if (hasLeases(inner)) this.acquireLease = (key, options) => inner.acquireLease(key, options);
  }

  async findToken(query: TokenQuery): Promise<OAuthToken | null> {
    const row = await this.#findRow(matchKeyOf(query));
    return row === null ? null : this.decrypt(row);
  }

  async findTokenById(id: string): Promise<OAuthToken | null> {
    const row = await this.inner.findTokenById(id);
    return row === null ? null : this.decrypt(row);
  }

  async saveToken(token: OAuthToken): Promise<OAuthToken> {
    for (let attempt = 1; ; attempt += 1) {
      const row =
        token.id !== null
          ? await this.inner.findTokenById(token.id)
          : await this.#findRow(matchKeyOf(token));
      // Decrypting first is what keeps an unreadable row from being overwritten.
      const stored = row === null ? null : this.decrypt(row);
      const merged = stored === null ? token : token.fillFrom(stored);

      try {
        return this.decrypt(await this.inner.saveToken(this.encrypt(merged)));
      } catch (error) {
        const retry = token.version === null && stored !== null && attempt < MAX_SAVE_ATTEMPTS;
        if (!retry || !isZohoTokensError(error, 'ERR_STORE_CONFLICT')) throw error;
      }
    }
  }

  async deleteToken(id: string): Promise<void> {
    await this.inner.deleteToken(id);
  }

  async getTokens(): Promise<OAuthToken[]> {
    return (await this.inner.getTokens()).map((row) => this.decrypt(row));
  }

  async deleteTokens(): Promise<void> {
    await this.inner.deleteTokens();
  }

  async close(): Promise<void> {
    await this.inner.close?.();
  }

  /**
   * Re-encrypts the token with this id under the current key, if any of its secrets is under
   * another key. Every token is decrypted, even one already under the current key, so a wrong
   * key fails here rather than passing for "nothing to do". Resolves to `false` when there was
   * nothing to do (or the token is gone). Used by `rotateKeys`.
   */
  async reencrypt(id: string): Promise<boolean> {
    for (let attempt = 1; ; attempt += 1) {
      const row = await this.inner.findTokenById(id);
      if (row === null) return false;

      const token = this.decrypt(row);
      if (this.#isCurrent(row)) return false;
      try {
        // The plaintext carries the version read, so a concurrent change makes this conflict.
        await this.inner.saveToken(this.encrypt(token));
        return true;
      } catch (error) {
        const retry = attempt < MAX_SAVE_ATTEMPTS && isZohoTokensError(error, 'ERR_STORE_CONFLICT');
        if (!retry) throw error;
      }
    }
  }

  /** The token with every secret encrypted under the current key. */
  encrypt(token: OAuthToken): OAuthToken {
    const changes: TokenInit = {};
    for (const field of SECRET_FIELDS) {
      const value = token[field];
      if (value === null) continue;

      const place = { field, clientId: token.clientId };
      changes[field] = encryptField(this.keyring.current, place, value);
    }

    return token.with(changes);
  }

  /** The token with every secret decrypted; `ERR_DECRYPT` or `ERR_KEY_MISSING` otherwise. */
  decrypt(row: OAuthToken): OAuthToken {
    const changes: TokenInit = {};
    for (const field of SECRET_FIELDS) {
      const value = row[field];
      if (value === null) continue;

      const place = { field, clientId: row.clientId, tokenId: row.id };
      changes[field] = decryptField(this.keyring, place, value);
    }

    return row.with(changes);
  }

  async #findRow(key: MatchKey | null): Promise<OAuthToken | null> {
    if (key === null) return null;
    if (key.rule === 'user') return this.inner.findToken({ userSignature: key.userSignature });
    if (key.rule === 'access-token') return this.#findEncrypted('accessToken', key.accessToken);

    // A grant-token match under any key beats a refresh-token match, as in the plain rules.
    const byGrant = await this.#findEncrypted('grantToken', key.grantToken);
    if (byGrant !== null) return byGrant;
    return this.#findEncrypted('refreshToken', key.refreshToken);
  }

  async #findEncrypted(field: SearchableField, value: string | null): Promise<OAuthToken | null> {
    if (value === null) return null;

    for (const key of this.keyring.keys) {
      const query = { [field]: encryptField(key, { field }, value) };
      const row = await this.inner.findToken(query);
      if (row !== null) return row;
    }
    return null;
  }

  #isCurrent(row: OAuthToken): boolean {
    const current = this.keyring.current.id;
    return SECRET_FIELDS.every((field) => {
      const value = row[field];
      return value === null || keyIdOf(value) === current;
    });
  }
}

import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { ZohoTokensError } from '../../errors.js';
import type { DerivedKey, Keyring } from './keyring.js';

/** The token fields kept encrypted: the secrets. */
export type SecretField = 'clientSecret' | 'refreshToken' | 'accessToken' | 'grantToken';

/** Every secret field, in the order of the official columns. */
export const SECRET_FIELDS: readonly SecretField[] = [
  'clientSecret',
  'refreshToken',
  'accessToken',
  'grantToken',
];

/** The marker that starts every encrypted value; a new format would get a new one. */
export const FORMAT = 'zt1';

// The fields stores look tokens up by: their ciphertext must be the same for the same value.
const SEARCHABLE: ReadonlySet<SecretField> = new Set(['refreshToken', 'accessToken', 'grantToken']);
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Where a value sits, for the AAD and for messages: its field, and the token's id if known. */
export interface FieldPlace {
  field: SecretField;
  /** The token's client id: the client secret is bound to it. Ignored for other fields. */
  clientId?: string | null;
  /** Only for error messages. */
  tokenId?: string | null;
}

/**
 * Encrypts one secret with AES-256-GCM into `zt1:<keyId>:<iv>:<ciphertext>:<tag>` (base64url
 * parts). The AAD binds the format, the key id and the field name, so a value moved to another
 * field or relabelled with another key id fails to decrypt; the client secret is also bound to
 * its client id.
 *
 * The client secret gets a random IV. The three searchable fields get a synthetic IV,
 * HMAC-SHA256(macKey, field, value) cut to 12 bytes: the same value always encrypts to the same
 * text, so a store can still find a token by its encrypted refresh, access or grant token.
 * Different values get different IVs (the HMAC is a PRF), so GCM never reuses an IV across two
 * plaintexts. The cost: anyone reading the store can tell when two tokens hold the same value.
 * Searchable values cannot be bound to the token's id, which a lookup does not know yet.
 */
export function encryptField(key: DerivedKey, place: FieldPlace, value: string): string {
  const plaintext = Buffer.from(value, 'utf8');
  const iv = SEARCHABLE.has(place.field) ? syntheticIv(key, place.field, plaintext) : newIv();
  const cipher = createCipheriv('aes-256-gcm', key.encryptionKey, iv);
  cipher.setAAD(aadOf(key.id, place));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);

  return [FORMAT, key.id, b64(iv), b64(ciphertext), b64(cipher.getAuthTag())].join(':');
}

/**
 * Decrypts a value {@link encryptField} wrote, with the key its id names: `ERR_KEY_MISSING`
 * when the keyring lacks that key, `ERR_DECRYPT` when the value is not in this format or does
 * not authenticate (a wrong key under the same id, or tampering).
 */
export function decryptField(keyring: Keyring, place: FieldPlace, text: string): string {
  const parts = partsOf(text);
  if (parts === null) throw decryptError(place, 'is not an encrypted value');

  const key = keyring.key(parts.keyId);
  if (key === undefined) {
    throw new ZohoTokensError(
      'ERR_KEY_MISSING',
      `${where(place)} is encrypted with key "${parts.keyId}", which is not in the keyring`,
    );
  }

  try {
    const decipher = createDecipheriv('aes-256-gcm', key.encryptionKey, parts.iv);
    decipher.setAAD(aadOf(key.id, place));
    decipher.setAuthTag(parts.tag);
    return Buffer.concat([decipher.update(parts.ciphertext), decipher.final()]).toString('utf8');
  } catch (error) {
    throw decryptError(place, `does not decrypt with key "${key.id}"`, error);
  }
}

/** The key id of an encrypted value, or `null` for text that is not one. */
export function keyIdOf(text: string): string | null {
  return partsOf(text)?.keyId ?? null;
}

interface Parts {
  keyId: string;
  iv: Buffer;
  ciphertext: Buffer;
  tag: Buffer;
}

function partsOf(text: string): Parts | null {
  const parts = text.split(':');
  if (parts.length !== 5 || parts[0] !== FORMAT) return null;

  const [, keyId, iv, ciphertext, tag] = parts as [string, string, string, string, string];
  if (![iv, ciphertext, tag].every((part) => /^[A-Za-z0-9_-]*$/.test(part))) return null;

  const decoded = {
    keyId,
    iv: Buffer.from(iv, 'base64url'),
    ciphertext: Buffer.from(ciphertext, 'base64url'),
    tag: Buffer.from(tag, 'base64url'),
  };
  if (decoded.iv.length !== IV_BYTES || decoded.tag.length !== TAG_BYTES) return null;
  return decoded;
}

function syntheticIv(key: DerivedKey, field: SecretField, plaintext: Buffer): Buffer {
  // The field name and a zero byte first: no field name contains one, so (field, value) pairs
  // map to distinct HMAC inputs.
  const mac = createHmac('sha256', key.macKey).update(`${field}\0`).update(plaintext).digest();
  return mac.subarray(0, IV_BYTES);
}

function newIv(): Buffer {
  return randomBytes(IV_BYTES);
}

function aadOf(keyId: string, place: FieldPlace): Buffer {
  const client = place.field === 'clientSecret' ? (place.clientId ?? '') : '';
  return Buffer.from([FORMAT, keyId, place.field, client].join('\0'), 'utf8');
}

function b64(bytes: Buffer): string {
  return bytes.toString('base64url');
}

function where(place: FieldPlace): string {
  return place.tokenId ? `${place.field} of token ${place.tokenId}` : place.field;
}

function decryptError(place: FieldPlace, problem: string, cause?: unknown): ZohoTokensError {
  return new ZohoTokensError('ERR_DECRYPT', `${where(place)} ${problem}`, { cause });
}

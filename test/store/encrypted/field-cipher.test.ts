import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isZohoTokensError } from '../../../src/errors.js';
import { decryptField, encryptField, keyIdOf } from '../../../src/store/encrypted/field-cipher.js';
import { Keyring } from '../../../src/store/encrypted/keyring.js';

const keyring = Keyring.parse(
  `k2:${randomBytes(32).toString('base64')},k1:${randomBytes(32).toString('base64')}`,
);
const k1 = keyring.key('k1')!;
const k2 = keyring.current;

function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (isZohoTokensError(error)) return error.code;
    throw error;
  }
  throw new Error('expected an error');
}

describe('field cipher', () => {
  it('writes zt1:<keyId>:<iv>:<ciphertext>:<tag> and reads it back', () => {
    const text = encryptField(k2, { field: 'refreshToken' }, '1000.refresh.ünï');

    expect(text).toMatch(/^zt1:k2:[\w-]{16}:[\w-]+:[\w-]{22}$/);
    expect(keyIdOf(text)).toBe('k2');
    expect(decryptField(keyring, { field: 'refreshToken' }, text)).toBe('1000.refresh.ünï');
  });

  it('encrypts a searchable value the same way each time, and different values differently', () => {
    const place = { field: 'accessToken' as const };
    const once = encryptField(k2, place, 'a-1');

    expect(encryptField(k2, place, 'a-1')).toBe(once);
    const other = encryptField(k2, place, 'a-2');
    expect(other).not.toBe(once);
    expect(other.split(':')[2]).not.toBe(once.split(':')[2]);
    expect(encryptField(k2, { field: 'grantToken' }, 'a-1').split(':')[2]).not.toBe(
      once.split(':')[2],
    );
    expect(encryptField(k1, place, 'a-1')).not.toBe(once);
  });

  it('gives the client secret a fresh IV every time', () => {
    const place = { field: 'clientSecret' as const, clientId: 'c' };
    const first = encryptField(k2, place, 'secret');
    const second = encryptField(k2, place, 'secret');

    expect(first).not.toBe(second);
    expect(decryptField(keyring, place, second)).toBe('secret');
  });

  it('refuses a value moved to another field, relabelled, or bound to another client', () => {
    const refresh = encryptField(k2, { field: 'refreshToken' }, 'r');
    expect(codeOf(() => decryptField(keyring, { field: 'accessToken' }, refresh))).toBe(
      'ERR_DECRYPT',
    );

    const relabelled = refresh.replace('zt1:k2:', 'zt1:k1:');
    expect(codeOf(() => decryptField(keyring, { field: 'refreshToken' }, relabelled))).toBe(
      'ERR_DECRYPT',
    );

    const secret = encryptField(k2, { field: 'clientSecret', clientId: 'c1' }, 's');
    expect(
      codeOf(() => decryptField(keyring, { field: 'clientSecret', clientId: 'c2' }, secret)),
    ).toBe('ERR_DECRYPT');
  });

  it('refuses tampered ciphertext and text that is not encrypted', () => {
    const text = encryptField(k2, { field: 'grantToken' }, 'grant-code');
    const parts = text.split(':');
    const flipped = Buffer.from(parts[3]!, 'base64url');
    flipped[0]! ^= 1;
    parts[3] = flipped.toString('base64url');

    expect(codeOf(() => decryptField(keyring, { field: 'grantToken' }, parts.join(':')))).toBe(
      'ERR_DECRYPT',
    );
    expect(codeOf(() => decryptField(keyring, { field: 'grantToken' }, 'grant-code'))).toBe(
      'ERR_DECRYPT',
    );
    expect(keyIdOf('grant-code')).toBeNull();
  });

  it('names a key the keyring lacks with ERR_KEY_MISSING, and the token but not the value', () => {
    const other = Keyring.parse(`k7:${randomBytes(32).toString('base64')}`);
    const text = encryptField(other.current, { field: 'refreshToken' }, 'refresh-value');

    try {
      decryptField(keyring, { field: 'refreshToken', tokenId: '12' }, text);
      throw new Error('expected an error');
    } catch (error) {
      expect(isZohoTokensError(error, 'ERR_KEY_MISSING')).toBe(true);
      expect((error as Error).message).toContain('token 12');
      expect((error as Error).message).toContain('"k7"');
      expect((error as Error).message).not.toContain('refresh-value');
    }
  });
});

import { createHash, randomBytes } from 'node:crypto';

/** A grant code, access or refresh token in Zoho's shape: `1000.<32 hex>.<32 hex>`. */
export function newZohoToken(): string {
  return `1000.${randomBytes(16).toString('hex')}.${randomBytes(16).toString('hex')}`;
}

/** An opaque random id for emulator-internal handles (consent requests). */
export function newHandle(): string {
  return randomBytes(12).toString('hex');
}

/**
 * A number of exactly `digits` digits derived from `seed`, so a user's ids are the same
 * on every emulator run (tests may hard-code them).
 */
export function stableDigits(seed: string, digits: number): string {
  const hash = BigInt(`0x${createHash('sha256').update(seed).digest('hex')}`);
  const low = 10n ** BigInt(digits - 1);
  return (low + (hash % (9n * low))).toString();
}

/**
 * A CRM record id: 18-19 digit numeric string, as Zoho's are. Zoho ids in one org share
 * a leading prefix, then a zero-padded serial.
 */
export function recordId(orgPrefix: string, serial: number): string {
  return `${orgPrefix}${String(serial).padStart(12, '0')}`;
}

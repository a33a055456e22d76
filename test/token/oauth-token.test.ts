import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { expiresAtFrom, formatExpiry, parseExpiry } from '../../src/token/expiry.js';
import { maskSecret } from '../../src/token/mask.js';
import { OAuthToken } from '../../src/token/oauth-token.js';

const SECRET = 'rt-9f8e7d6c5b4a39281706f5e4d3c2b1a0-DISTINCT';

describe('OAuthToken', () => {
  const token = new OAuthToken({
    id: '7',
    userSignature: 'ada@example.com:700',
    clientId: '1000.CLIENT',
    clientSecret: `cs-${SECRET}`,
    refreshToken: `rt-${SECRET}`,
    accessToken: `at-${SECRET}`,
    grantToken: `gt-${SECRET}`,
    expiresAt: 1796305849341,
  });

  it('masks every secret in util.inspect, JSON.stringify and String', () => {
    for (const text of [inspect(token), JSON.stringify(token), String(token), `${token}`]) {
      expect(text).not.toContain(SECRET.slice(3, 30));
    }
    expect(inspect(token)).toContain('ada@example.com:700');
    expect(JSON.parse(JSON.stringify(token)).clientId).toBe('1000.CLIENT');
  });

  it('keeps the raw values for stores', () => {
    expect(token.toFields().refreshToken).toBe(`rt-${SECRET}`);
  });

  it('reads empty strings as absent, as the official stores do', () => {
    expect(new OAuthToken({ userSignature: '', accessToken: '' }).userSignature).toBeNull();
  });

  it('completes a partial token from a stored one without overriding given values', () => {
    const partial = new OAuthToken({ userSignature: 'ada@example.com:700', accessToken: 'new' });
    const filled = partial.fillFrom(token.toFields());
    expect(filled.accessToken).toBe('new');
    expect(filled.refreshToken).toBe(`rt-${SECRET}`);
    expect(filled.id).toBe('7');
  });

  it('is immutable', () => {
    expect(() => {
      (token as { accessToken: string | null }).accessToken = 'x';
    }).toThrow();
  });

  it('tells expiry with a skew', () => {
    const now = 1_000_000;
    const soon = new OAuthToken({ accessToken: 'a', expiresAt: now + 4000 });
    expect(soon.isExpired(now, 5000)).toBe(true);
    expect(soon.isExpired(now, 3000)).toBe(false);
    expect(new OAuthToken({ accessToken: 'a' }).isExpired(now)).toBe(true);
  });
});

describe('expiry', () => {
  it('reads expires_in as seconds', () => {
    expect(expiresAtFrom({ expires_in: 3600 }, 1000)).toBe(1000 + 3_600_000);
  });

  it('reads expires_in as milliseconds when the legacy expires_in_sec is present', () => {
    expect(expiresAtFrom({ expires_in: 3_600_000, expires_in_sec: 3600 }, 1000)).toBe(
      1000 + 3_600_000,
    );
  });

  it('rejects a response without expires_in with a typed error', () => {
    expect(() => expiresAtFrom({}, 0)).toThrow(
      expect.objectContaining({ code: 'ERR_OAUTH_RESPONSE' }),
    );
  });

  it('stores epoch milliseconds as a decimal string and reads the official "NaN" as unknown', () => {
    expect(formatExpiry(1796305849341)).toBe('1796305849341');
    expect(parseExpiry('1796305849341')).toBe(1796305849341);
    expect(parseExpiry('NaN')).toBeNull();
    expect(parseExpiry('')).toBeNull();
  });
});

describe('maskSecret', () => {
  it('shows only the ends of long values and nothing of short ones', () => {
    expect(maskSecret('1000.abcdefghijklmnopqrstuvwxyz.0123')).toBe('1000…0123');
    expect(maskSecret('short-secret')).toBe('****');
    expect(maskSecret(null)).toBeNull();
  });
});

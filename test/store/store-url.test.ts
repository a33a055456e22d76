import { describe, expect, it } from 'vitest';
import { parseStoreUrl, redactStoreUrl } from '../../src/store/store-url.js';

describe('store URLs', () => {
  it('never shows a password, in the user info or in the query', () => {
    const shown = redactStoreUrl('mysql://root:hunter2@db:3306/z?password=hunter3&table=t');

    expect(shown).toBe('mysql://root:****@db:3306/z?password=****&table=t');
    expect(redactStoreUrl('postgres://db/z?Pwd=s3cret')).not.toContain('s3cret');
    expect(redactStoreUrl('mysql://root:p@ss@host/db')).toBe('mysql://root:****@host/db');
    expect(redactStoreUrl('mysql://root:pa/ss@host/db')).toBe('mysql://root:****@host/db');
    expect(redactStoreUrl('redis://:secret@host:6379/0')).toBe('redis://:****@host:6379/0');
    expect(redactStoreUrl('mysql://root@host/db')).toBe('mysql://root@host/db');
  });

  it('splits the encrypted+ prefix from the store url', () => {
    expect(parseStoreUrl('encrypted+sqlite:t.db')).toEqual({
      scheme: 'sqlite',
      encrypted: true,
      inner: 'sqlite:t.db',
    });
  });

  it('rejects text that is no url with a typed error', () => {
    expect(() => parseStoreUrl('/var/lib/tokens.db')).toThrow(
      expect.objectContaining({ code: 'ERR_STORE_URL' }),
    );
  });
});

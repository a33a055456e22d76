import { describe, expect, it } from 'vitest';
import {
  customEnvironment,
  DATA_CENTRES,
  dataCentre,
  environmentForApiDomain,
  tokenEndpoint,
} from '../../src/oauth/data-centres.js';

describe('data centres', () => {
  it('has the nine data centres with production, sandbox and developer API URLs', () => {
    expect(DATA_CENTRES).toEqual(['us', 'eu', 'in', 'cn', 'au', 'jp', 'ca', 'sa', 'uk']);
    expect(dataCentre('eu')).toMatchObject({
      accountsUrl: 'https://accounts.zoho.eu',
      apiUrl: 'https://www.zohoapis.eu',
    });
    expect(dataCentre('au', 'sandbox').apiUrl).toBe('https://sandbox.zohoapis.com.au');
    expect(dataCentre('jp', 'developer').apiUrl).toBe('https://developer.zohoapis.jp');
  });

  it('sends Canada to zohocloud.ca', () => {
    expect(tokenEndpoint(dataCentre('ca'))).toBe('https://accounts.zohocloud.ca/oauth/v2/token');
  });

  it('finds the data centre of a stored api_domain, and nothing for an unknown one', () => {
    expect(environmentForApiDomain('https://www.zohoapis.com.cn')?.accountsUrl).toBe(
      'https://accounts.zoho.com.cn',
    );
    expect(environmentForApiDomain('https://sandbox.zohoapis.in/')?.kind).toBe('sandbox');
    expect(environmentForApiDomain('https://www.example.com')).toBeNull();
  });

  it('accepts a custom environment, such as the emulator', () => {
    const custom = customEnvironment({
      accountsUrl: 'http://127.0.0.1:4010/',
      apiUrl: 'http://127.0.0.1:4011',
    });
    expect(tokenEndpoint(custom)).toBe('http://127.0.0.1:4010/oauth/v2/token');
    expect(environmentForApiDomain('http://127.0.0.1:4011', [custom])).toBe(custom);
  });

  it('rejects an unknown code or environment with a typed error', () => {
    const typed = expect.objectContaining({ code: 'ERR_DATA_CENTRE' });
    expect(() => dataCentre('mars')).toThrow(typed);
    expect(() => dataCentre('toString')).toThrow(typed);
    expect(() => dataCentre(undefined as unknown as string)).toThrow(typed);
    expect(() => dataCentre('eu', 'staging' as 'sandbox')).toThrow(typed);
  });
});

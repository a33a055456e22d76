import { ZohoTokensError } from '../errors.js';

/** Zoho's data centres, by the location code Zoho itself uses. */
export type DataCentreCode = 'us' | 'eu' | 'in' | 'cn' | 'au' | 'jp' | 'ca' | 'sa' | 'uk';

/** Each data centre serves production, sandbox and developer CRM APIs. */
export type EnvironmentKind = 'production' | 'sandbox' | 'developer';

/** Where a token's OAuth requests and CRM calls go. */
export interface ZohoEnvironment {
  /** A data centre code, or `custom` (an emulator, a proxy, a test server). */
  readonly dataCentre: DataCentreCode | 'custom';
  readonly kind: EnvironmentKind;
  /** The accounts server, e.g. `https://accounts.zoho.eu`; the token endpoint is below it. */
  readonly accountsUrl: string;
  /** The CRM API domain, e.g. `https://www.zohoapis.eu`. */
  readonly apiUrl: string;
}

interface DataCentreHosts {
  accounts: string;
  /** The API domain suffix after `www.`, `sandbox.` or `developer.`. */
  api: string;
}

const HOSTS: Record<DataCentreCode, DataCentreHosts> = {
  us: { accounts: 'accounts.zoho.com', api: 'zohoapis.com' },
  eu: { accounts: 'accounts.zoho.eu', api: 'zohoapis.eu' },
  in: { accounts: 'accounts.zoho.in', api: 'zohoapis.in' },
  cn: { accounts: 'accounts.zoho.com.cn', api: 'zohoapis.com.cn' },
  au: { accounts: 'accounts.zoho.com.au', api: 'zohoapis.com.au' },
  jp: { accounts: 'accounts.zoho.jp', api: 'zohoapis.jp' },
  // Canada's accounts server is on zohocloud.ca, not zoho.ca.
  ca: { accounts: 'accounts.zohocloud.ca', api: 'zohoapis.ca' },
  sa: { accounts: 'accounts.zoho.sa', api: 'zohoapis.sa' },
  // The official SDKs stop at SA; Zoho's accounts documentation lists UK as well.
  uk: { accounts: 'accounts.zoho.uk', api: 'zohoapis.uk' },
};

const API_PREFIX: Record<EnvironmentKind, string> = {
  production: 'www',
  sandbox: 'sandbox',
  developer: 'developer',
};

/** Every data centre code, in Zoho's usual order. */
export const DATA_CENTRES = Object.keys(HOSTS) as DataCentreCode[];

/**
 * The environment of a Zoho data centre.
 *
 * @example
 * ```ts
 * dataCentre('eu').accountsUrl; // 'https://accounts.zoho.eu'
 * dataCentre('eu').apiUrl; // 'https://www.zohoapis.eu'
 * dataCentre('ca', 'sandbox').apiUrl; // 'https://sandbox.zohoapis.ca'
 * ```
 */
export function dataCentre(code: string, kind: EnvironmentKind = 'production'): ZohoEnvironment {
  const hosts = typeof code === 'string' ? HOSTS[code.toLowerCase() as DataCentreCode] : undefined;
  if (!Object.hasOwn(API_PREFIX, kind)) {
    throw new ZohoTokensError(
      'ERR_DATA_CENTRE',
      `unknown environment "${String(kind)}" (known: ${Object.keys(API_PREFIX).join(', ')})`,
    );
  }
  if (hosts === undefined || !Object.hasOwn(HOSTS, code.toLowerCase())) {
    throw new ZohoTokensError(
      'ERR_DATA_CENTRE',
      `unknown data centre "${String(code)}" (known: ${DATA_CENTRES.join(', ')})`,
    );
  }

  return Object.freeze({
    dataCentre: code.toLowerCase() as DataCentreCode,
    kind,
    accountsUrl: `https://${hosts.accounts}`,
    apiUrl: `https://${API_PREFIX[kind]}.${hosts.api}`,
  });
}

/**
 * An environment outside Zoho's list: the bundled emulator, a proxy or a test server.
 *
 * @example
 * ```ts
 * customEnvironment({ accountsUrl: 'http://127.0.0.1:4010', apiUrl: 'http://127.0.0.1:4010' });
 * ```
 */
export function customEnvironment(urls: { accountsUrl: string; apiUrl: string }): ZohoEnvironment {
  return Object.freeze({
    dataCentre: 'custom',
    kind: 'production',
    accountsUrl: withoutTrailingSlash(checkedUrl(urls.accountsUrl, 'accountsUrl')),
    apiUrl: withoutTrailingSlash(checkedUrl(urls.apiUrl, 'apiUrl')),
  });
}

/**
 * The environment a stored token belongs to, from its API domain: a Zoho data centre, or
 * `known` when the domain is one of its API URLs (a custom environment). `null` when nothing
 * matches: the caller must refuse rather than move the token to a default data centre.
 */
export function environmentForApiDomain(
  apiDomain: string,
  known: readonly ZohoEnvironment[] = [],
): ZohoEnvironment | null {
  const domain = withoutTrailingSlash(apiDomain.trim());
  const custom = known.find((environment) => environment.apiUrl === domain);
  if (custom !== undefined) return custom;

  for (const code of DATA_CENTRES) {
    for (const kind of Object.keys(API_PREFIX) as EnvironmentKind[]) {
      const environment = dataCentre(code, kind);
      if (environment.apiUrl === domain) return environment;
    }
  }
  return null;
}

/** The token endpoint of an environment. */
export function tokenEndpoint(environment: ZohoEnvironment): string {
  return `${environment.accountsUrl}/oauth/v2/token`;
}

/** The revoke endpoint of an environment (the classic form the SDKs use). */
export function revokeEndpoint(environment: ZohoEnvironment): string {
  return `${environment.accountsUrl}/oauth/v2/token/revoke`;
}

function checkedUrl(url: string, name: string): string {
  try {
    return new URL(url).toString();
  } catch (error) {
    throw new ZohoTokensError('ERR_INVALID_ARGUMENT', `${name} is not a url`, { cause: error });
  }
}

function withoutTrailingSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

import { ZohoTokensError } from '../errors.js';
import type { ZohoSdk } from './sdk-types.js';

/** The npm name of the official SDK this adapter is written against. */
export const ZOHO_SDK_PACKAGE = '@zohocrm/typescript-sdk-8.0';

let loading: Promise<ZohoSdk> | null = null;

/**
 * Imports the official SDK once, for adapters not given its classes. It is an optional peer:
 * nothing else in zoho-tokens loads it.
 */
export function loadZohoSdk(): Promise<ZohoSdk> {
  loading ??= importSdk().catch((error: unknown) => {
    loading = null;
    throw error;
  });
  return loading;
}

async function importSdk(): Promise<ZohoSdk> {
  let loaded: unknown;
  try {
    loaded = await import('@zohocrm/typescript-sdk-8.0');
  } catch (error) {
    throw new ZohoTokensError(
      'ERR_DEPENDENCY_MISSING',
      `the zoho-sdk adapter needs ${ZOHO_SDK_PACKAGE} (npm install ${ZOHO_SDK_PACKAGE})`,
      { cause: error },
    );
  }

  return sdkClasses(loaded);
}

/** The classes in a loaded module (an ESM namespace or a CommonJS `module.exports`). */
export function sdkClasses(loaded: unknown): ZohoSdk {
  const module = loaded as Partial<ZohoSdk> & { default?: Partial<ZohoSdk> };
  const classes = typeof module.OAuthToken === 'function' ? module : module.default;
  if (typeof classes?.OAuthToken !== 'function' || typeof classes.UserSignature !== 'function') {
    throw new ZohoTokensError(
      'ERR_INVALID_ARGUMENT',
      `sdk must provide the OAuthToken and UserSignature classes of ${ZOHO_SDK_PACKAGE}`,
    );
  }

  return { OAuthToken: classes.OAuthToken, UserSignature: classes.UserSignature };
}

import { ZohoTokensError } from '../../errors.js';

/**
 * Loads an optional database driver. Drivers are peer dependencies imported only by the store
 * that needs them; when one is not installed the error says which package to add.
 */
export async function importDriver<T>(
  load: () => Promise<T>,
  packageName: string,
  store: string,
): Promise<T> {
  try {
    return await load();
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const missing = code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND';
    const message = missing
      ? `the ${store} store needs the ${packageName} package (npm install ${packageName})`
      : `the ${store} store cannot load the ${packageName} package`;
    throw new ZohoTokensError('ERR_STORE_UNAVAILABLE', message, { cause: error });
  }
}

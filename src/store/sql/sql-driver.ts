import { ZohoTokensError } from '../../errors.js';

/**
 * Loads an optional database driver. Drivers are peer dependencies imported only by the store
 * that needs them; when one cannot be loaded the error says which package to add.
 */
export async function importDriver<T>(
  load: () => Promise<T>,
  packageName: string,
  store: string,
): Promise<T> {
  try {
    return await load();
  } catch (error) {
    throw new ZohoTokensError(
      'ERR_DEPENDENCY_MISSING',
      `the ${store} store needs the ${packageName} package (npm install ${packageName})`,
      { cause: error },
    );
  }
}

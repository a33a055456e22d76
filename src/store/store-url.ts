import { ZohoTokensError } from '../errors.js';

/** The scheme of a store URL (`sqlite`, `mysql`, ...), and any `encrypted+` prefix removed. */
export interface StoreUrlParts {
  scheme: string;
  encrypted: boolean;
  /** The URL without the `encrypted+` prefix. */
  inner: string;
}

/** Splits a store URL such as `sqlite:zohooauth.db` or `encrypted+mysql://root@host/db`. */
export function parseStoreUrl(url: string): StoreUrlParts {
  const match = /^([a-z][a-z0-9+.-]*):/i.exec(url.trim());
  if (match === null) {
    throw new ZohoTokensError('ERR_STORE_URL', `not a store url: ${redactStoreUrl(url)}`);
  }

  const full = match[1]!.toLowerCase();
  const encrypted = full.startsWith('encrypted+');
  const scheme = encrypted ? full.slice('encrypted+'.length) : full;
  const inner = encrypted ? url.trim().slice('encrypted+'.length) : url.trim();
  return { scheme, encrypted, inner };
}

/**
 * The URL with any password replaced by `****`, in the user-info part and in query parameters
 * named like a password or key: safe for logs and error messages.
 */
export function redactStoreUrl(url: string): string {
  return (
    url
      // Up to the last '@' before the query: a password typed with a raw '@' or '/' is hidden too.
      .replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@?#]*):[^?#]*@/i, '$1:****@')
      .replace(/([?&](?:password|passwd|pass|pwd|secret|key|keys|token)=)[^&#]*/gi, '$1****')
  );
}

/**
 * Refuses a query option the store does not know rather than ignoring it: it is almost always a
 * typo (`?tabel=`), and ignoring it would quietly use the default instead.
 */
export function refuseUnknownOptions(
  url: string,
  query: URLSearchParams,
  known: readonly string[],
): void {
  for (const name of query.keys()) {
    if (known.includes(name)) continue;

    const hint = known.length === 0 ? 'this store takes none' : `known: ${known.join(', ')}`;
    throw new ZohoTokensError(
      'ERR_STORE_URL',
      `unknown option "${name}" in ${redactStoreUrl(url)} (${hint})`,
    );
  }
}

/**
 * The path and query of a URL written `scheme:PATH?query` or `scheme://PATH?query` (file and
 * SQLite stores). `sqlite::memory:` gives the path `:memory:`.
 */
export function pathAndQuery(
  url: string,
  scheme: string,
): { path: string; query: URLSearchParams } {
  let rest = url.slice(scheme.length + 1);
  if (rest.startsWith('//')) rest = rest.slice(2);

  const at = rest.indexOf('?');
  const path = decodeURIComponent(at === -1 ? rest : rest.slice(0, at));
  const query = new URLSearchParams(at === -1 ? '' : rest.slice(at + 1));
  if (path === '') throw new ZohoTokensError('ERR_STORE_URL', `${scheme} store url has no path`);

  return { path, query };
}

import { ZohoTokensError } from '../errors.js';

/**
 * The user signature the official SDKs give a token: `email:zgid`, from
 * `GET /crm/v8/users?type=CurrentUser` and `GET /crm/v8/org`, asked of the token's own API
 * domain (the official SDKs ask the configured environment, which is wrong for a token from
 * another data centre). Needs the `ZohoCRM.users.READ` and `ZohoCRM.org.READ` scopes.
 */
export async function lookupUserSignature(
  apiDomain: string,
  accessToken: string,
  fetchImpl: typeof fetch = globalThis.fetch,
  timeoutMs = 15_000,
): Promise<string> {
  const get = (path: string) => crmGet(`${apiDomain}${path}`, accessToken, fetchImpl, timeoutMs);
  const [users, orgs] = await Promise.all([
    get('/crm/v8/users?type=CurrentUser'),
    get('/crm/v8/org'),
  ]);

  const email = firstField(users, 'users', 'email');
  const zgid = firstField(orgs, 'org', 'zgid');
  if (email === null || zgid === null) {
    throw new ZohoTokensError('ERR_API', 'current user or org has no email or zgid');
  }
  return `${email}:${zgid}`;
}

async function crmGet(
  url: string,
  accessToken: string,
  fetchImpl: typeof fetch,
  timeoutMs: number,
): Promise<unknown> {
  let response: Response;
  try {
    response = await fetchImpl(url, {
      headers: { authorization: `Zoho-oauthtoken ${accessToken}` },
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    throw new ZohoTokensError('ERR_API', `crm request failed: ${new URL(url).pathname}`, {
      cause: error,
    });
  }

  const body: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    const code = (body as { code?: unknown } | null)?.code;
    const detail = typeof code === 'string' ? ` ${code}` : '';
    throw new ZohoTokensError(
      'ERR_API',
      `crm ${new URL(url).pathname} answered ${response.status}${detail}`,
    );
  }
  return body;
}

function firstField(body: unknown, list: string, field: string): string | null {
  const items = (body as Record<string, unknown> | null)?.[list];
  if (!Array.isArray(items) || items.length === 0) return null;

  const value: unknown = (items[0] as Record<string, unknown>)[field];
  if (typeof value === 'string' && value !== '') return value;
  return typeof value === 'number' ? String(value) : null;
}

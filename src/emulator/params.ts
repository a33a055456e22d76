import type { HonoRequest } from 'hono';

/** Request parameters by name; blank values are left out, as Zoho treats them as missing. */
export type Params = Map<string, string>;

/**
 * Reads parameters the way Zoho's accounts server accepts them: query string,
 * urlencoded body and multipart body (the official Node/TS SDKs send multipart),
 * merged with the body winning.
 */
export async function readParams(req: HonoRequest): Promise<Params> {
  const params: Params = new Map();
  for (const [name, value] of Object.entries(req.query())) put(params, name, value);
  for (const [name, value] of Object.entries(await readBody(req))) put(params, name, value);
  return params;
}

/**
 * Client credentials from an HTTP Basic header, which Zoho accepts as an alternative to
 * `client_id`/`client_secret` parameters.
 */
export function readBasicCredentials(
  authorization: string | undefined,
): { clientId: string; clientSecret: string } | undefined {
  const match = /^basic\s+(\S+)$/i.exec(authorization?.trim() ?? '');
  if (!match?.[1]) return undefined;

  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return {
    clientId: formDecode(decoded.slice(0, colon)),
    clientSecret: formDecode(decoded.slice(colon + 1)),
  };
}

// RFC 6749 form-encodes Basic credentials; most clients do not. Zoho ids and secrets have
// no reserved characters, so both spellings decode to the same value.
function formDecode(text: string): string {
  try {
    return decodeURIComponent(text.replaceAll('+', ' '));
  } catch {
    return text;
  }
}

async function readBody(req: HonoRequest): Promise<Record<string, unknown>> {
  try {
    return await req.parseBody();
  } catch {
    // A body that is not valid form data carries no parameters; the request is then
    // judged on its query string alone, as a lenient server would.
    return {};
  }
}

function put(params: Params, name: string, value: unknown): void {
  const first = Array.isArray(value) ? value[0] : value;
  if (typeof first !== 'string' || first.trim() === '') return;
  params.set(name, first);
}

/** Response builders with the exact content types Zoho sends. */

/** Accounts server JSON; real captures show this content type on success and error alike. */
export function accountsJson(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json;charset=UTF-8' },
  });
}

/** CRM API JSON; observed with a lower-case charset. */
export function crmJson(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json;charset=utf-8' },
  });
}

/** A CRM error body: `{"code","details","message","status":"error"}`. */
export function crmError(
  status: number,
  code: string,
  message: string,
  details: Record<string, unknown> = {},
): Response {
  return crmJson({ code, details, message, status: 'error' }, status);
}

export function html(body: string, status = 200): Response {
  return new Response(body, { status, headers: { 'content-type': 'text/html;charset=UTF-8' } });
}

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

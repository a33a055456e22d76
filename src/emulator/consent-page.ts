import { escapeHtml } from './responses.js';

export interface ConsentPageInput {
  consentId: string;
  clientId: string;
  scopes: string[];
  defaultUser: string;
}

/** The consent screen: who signs in, what the client asks for, Accept or Reject. */
export function consentPage(input: ConsentPageInput): string {
  const scopes = input.scopes.map((s) => `<li><code>${escapeHtml(s)}</code></li>`).join('');
  return page(
    'Zoho emulator - authorize',
    `<h1>Authorize ${escapeHtml(input.clientId)}</h1>
<p>This application asks for access to:</p>
<ul>${scopes}</ul>
<form method="post" action="/oauth/v2/auth/consent">
  <input type="hidden" name="consent_id" value="${escapeHtml(input.consentId)}">
  <p><label>Signed in as <input name="email" value="${escapeHtml(input.defaultUser)}"></label></p>
  <button type="submit" name="decision" value="accept">Accept</button>
  <button type="submit" name="decision" value="deny">Reject</button>
</form>`,
  );
}

/**
 * An error page shown instead of redirecting. Zoho never redirects to an unregistered
 * URI; it shows its own page, titled "Invalid Redirect Uri" in that case.
 */
export function authErrorPage(title: string, detail: string): string {
  return page(title, `<h1>${escapeHtml(title)}</h1>\n<p>${escapeHtml(detail)}</p>`);
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>
<body>
${body}
</body></html>
`;
}

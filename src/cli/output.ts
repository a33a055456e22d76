import Table from 'cli-table3';
import type { OAuthToken, TokenState } from '../token/oauth-token.js';

/** A token as the CLI prints it in JSON: snake_case, secrets masked, expiry as ISO text. */
export interface TokenRecord {
  id: string | null;
  user: string | null;
  client_id: string | null;
  client_secret: string | null;
  refresh_token: string | null;
  access_token: string | null;
  grant_token: string | null;
  expires_at: string | null;
  expires_at_ms: number | null;
  redirect_url: string | null;
  api_domain: string | null;
  version: number | null;
  state: TokenState | null;
}

let stdoutClosed = false;

/**
 * Lets the command end quietly when whoever reads stdout goes away early (`| head -1`): the
 * write fails with EPIPE, and from then on output is dropped while the command finishes its
 * work (a login already under way still stores its token) and exits with its own status.
 */
export function dropOutputWhenStdoutCloses(): void {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    stdoutClosed = true;
  });
}

/** Writes a line (or lines) to stdout. */
export function print(text: string): void {
  if (stdoutClosed) return;
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

/** Writes a value as indented JSON to stdout. */
export function printJson(value: unknown): void {
  print(JSON.stringify(value, null, 2));
}

/** The `Examples:` block at the end of a command's help. */
export function examples(...lines: string[]): string {
  return `\nExamples:\n${lines.map((line) => `  $ ${line}`).join('\n')}\n`;
}

/** The JSON form of a token; secrets go through the token's own masking. */
export function tokenRecord(token: OAuthToken): TokenRecord {
  const masked = token.toMasked();
  return {
    id: token.id,
    user: token.userSignature,
    client_id: token.clientId,
    client_secret: masked.clientSecret as string | null,
    refresh_token: masked.refreshToken as string | null,
    access_token: masked.accessToken as string | null,
    grant_token: masked.grantToken as string | null,
    expires_at: token.expiresAt === null ? null : new Date(token.expiresAt).toISOString(),
    expires_at_ms: token.expiresAt,
    redirect_url: token.redirectUrl,
    api_domain: token.apiDomain,
    version: token.version,
    state: token.state,
  };
}

/** One row per token: what an operator scans for (who, where, until when, healthy or not). */
export function tokensTable(tokens: readonly OAuthToken[], nowMs: number): string {
  const table = plainTable([
    'id',
    'user',
    'api_domain',
    'expires_at',
    'state',
    'refresh_token',
    'access_token',
  ]);
  for (const token of tokens) {
    const record = tokenRecord(token);
    table.push([
      text(record.id),
      text(record.user),
      text(record.api_domain),
      expiryText(token.expiresAt, nowMs),
      stateText(token.state),
      text(record.refresh_token),
      text(record.access_token),
    ]);
  }
  return table.toString();
}

/** One token, a field per row, secrets masked. */
export function tokenDetails(token: OAuthToken, nowMs: number): string {
  const record = tokenRecord(token);
  const table = plainTable();
  const rows: [string, string][] = [
    ['id', text(record.id)],
    ['user', text(record.user)],
    ['api_domain', text(record.api_domain)],
    ['expires_at', expiryText(token.expiresAt, nowMs)],
    ['state', stateText(token.state)],
    ['client_id', text(record.client_id)],
    ['client_secret', text(record.client_secret)],
    ['refresh_token', text(record.refresh_token)],
    ['access_token', text(record.access_token)],
    ['grant_token', text(record.grant_token)],
    ['redirect_url', text(record.redirect_url)],
    ['version', text(record.version)],
  ];
  for (const [name, value] of rows) table.push({ [name]: value });
  return table.toString();
}

/** `2025-01-01T10:00:00Z (in 52 min)`, or `(expired)`; `-` when unknown. */
export function expiryText(expiresAt: number | null, nowMs: number): string {
  if (expiresAt === null) return '-';

  const iso = new Date(expiresAt).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return `${iso} (${relativeTime(expiresAt - nowMs)})`;
}

/** `in 52 min`, `in 3 h`, `in 12 days`, or `expired`. */
export function relativeTime(remainingMs: number): string {
  if (remainingMs <= 0) return 'expired';

  const minutes = remainingMs / 60_000;
  if (minutes < 1) return `in ${Math.ceil(remainingMs / 1000)} s`;
  if (minutes < 90) return `in ${Math.round(minutes)} min`;
  if (minutes < 48 * 60) return `in ${Math.round(minutes / 60)} h`;
  return `in ${Math.round(minutes / (24 * 60))} days`;
}

/** `ok`, `needs login (invalid_code)` or `cooling down until 10:42:07Z (Access Denied)`. */
export function stateText(state: TokenState | null): string {
  if (state === null) return 'ok';
  if (state.kind === 'needs-login') return `needs login (${state.reason})`;

  const until = new Date(state.untilMs).toISOString().slice(11, 19);
  return `cooling down until ${until}Z (${state.reason})`;
}

/** A table without colours: output is read in logs and pipes as often as on a terminal. */
function plainTable(head: string[] = []): Table.Table {
  return new Table({ head, style: { head: [], border: [] } });
}

function text(value: string | number | null): string {
  return value === null ? '-' : String(value);
}

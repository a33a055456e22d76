/**
 * How values, tokens and errors are written in a report. Every token the kit sees is one it made
 * itself, but long values are still cut short so that a report stays readable.
 */
const MAX_TEXT = 60;

/** A value as a short literal: strings quoted with escapes visible, long ones cut. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value !== 'string') return JSON.stringify(value) ?? String(value);

  const quoted = JSON.stringify(value);
  if (quoted.length <= MAX_TEXT) return quoted;

  return `${quoted.slice(0, MAX_TEXT)}…" (${value.length} chars)`;
}

/** A token as `token 3 (user "ada@example.com")`, or what came back instead of one. */
export function describeToken(token: unknown): string {
  if (token === null) return 'null';
  if (token === undefined) return 'undefined';
  if (typeof token !== 'object') return `${typeof token} ${describeValue(token)}`;
  if (Array.isArray(token)) return token.length === 0 ? '[]' : `an array of ${token.length}`;

  const { id, userSignature } = token as { id?: unknown; userSignature?: unknown };
  const user = userSignature === null || userSignature === undefined ? 'no user' : 'user ';
  const name = user === 'user ' ? describeValue(userSignature) : '';
  return `token ${describeValue(id)} (${user}${name})`;
}

/** An error as `ZohoTokensError [ERR_STORE_FAILED] message (cause: SqliteError: ...)`. */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return `a non-error ${describeValue(error)}`;

  const code = (error as { code?: unknown }).code;
  const head = code === undefined ? error.name : `${error.name} [${String(code)}]`;
  const cause = error.cause === undefined ? '' : ` (cause: ${describeCause(error.cause)})`;
  return `${head} ${error.message}${cause}`;
}

function describeCause(cause: unknown): string {
  if (!(cause instanceof Error)) return describeValue(cause);

  return `${cause.name}: ${cause.message}`;
}

/** A store call with its arguments, as `findToken({ userSignature: "ada@example.com" })`. */
export function describeCall(method: string, query: Record<string, unknown>): string {
  const parts = Object.entries(query)
    .filter(([, value]) => value !== null && value !== undefined)
    .map(([name, value]) => `${name}: ${describeValue(value)}`);
  return parts.length === 0 ? `${method}({})` : `${method}({ ${parts.join(', ')} })`;
}

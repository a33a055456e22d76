import { ZohoTokensError } from '../errors.js';

/** A command line that cannot run as given: exit status 2, as for a commander parse error. */
export class UsageError extends ZohoTokensError {
  constructor(message: string) {
    super('ERR_USAGE', message);
  }
}

/** Exit status of a failed command: 2 for usage, 1 for everything else. */
export function exitCodeOf(error: unknown): number {
  return error instanceof UsageError ? 2 : 1;
}

/**
 * The one line a failure prints: `zoho-tokens: <message> [CODE]`. With `verbose`, one more line
 * per cause (message and code only: a driver's stack or request may carry a connection string).
 */
export function errorLines(error: unknown, verbose: boolean): string[] {
  const lines = [`zoho-tokens: ${describe(error)}`];
  if (!verbose) return lines;

  let cause = (error as { cause?: unknown } | null)?.cause;
  for (let depth = 0; cause !== undefined && cause !== null && depth < 8; depth++) {
    lines.push(`  caused by: ${describe(cause)}`);
    cause = (cause as { cause?: unknown }).cause;
  }
  return lines;
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);

  const code = (error as { code?: unknown }).code;
  const message = error.message.split('\n')[0] || error.name;
  return typeof code === 'string' || typeof code === 'number' ? `${message} [${code}]` : message;
}

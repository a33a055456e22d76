import type { TokenRequestCounts } from '../../emulator/index.js';
import type { OAuthToken } from '../../token/oauth-token.js';
import { print, printJson, type TokenRecord, tokenRecord, tokensTable } from '../output.js';

/** What `demo --json` prints. */
export interface DemoSummary {
  /** True when the calls after expiry caused exactly one refresh. */
  ok: boolean;
  store: string;
  emulator: { url: string; state_file: string };
  token: { id: string | null; user: string | null; source: 'stored' | 'login' | 'relogin' };
  steps: string[];
  calls: { count: number; statuses: Record<string, number> };
  /** Refreshes caused by the calls after expiry: counted by the emulator and by the manager. */
  refreshes: { emulator: number; manager: number; found_done: number };
  /** Every token request of this run, by grant type (a reused token makes no new exchange). */
  token_requests: TokenRequestCounts;
  tokens: TokenRecord[];
}

/** Prints the demo as it goes (one line per step), or everything as JSON at the end. */
export class DemoReport {
  readonly steps: string[] = [];
  readonly #json: boolean;

  constructor(json: boolean) {
    this.#json = json;
  }

  header(line: string): void {
    if (!this.#json) print(line);
  }

  step(line: string): void {
    this.steps.push(line);
    if (!this.#json) print(`${this.steps.length}. ${line}`);
  }

  finish(summary: Omit<DemoSummary, 'steps' | 'tokens'>, tokens: readonly OAuthToken[]): void {
    if (this.#json) {
      printJson({ ...summary, steps: this.steps, tokens: tokens.map(tokenRecord) });
      return;
    }

    print(`stored tokens in ${summary.store} (secrets masked):`);
    print(tokensTable(tokens, Date.now()));
    if (summary.ok) print('run it again: the stored token is used, with no new login.');
  }
}

/** `100 × 200` or `98 × 200, 2 × 401`. */
export function statusText(statuses: Record<string, number>): string {
  return Object.entries(statuses)
    .map(([status, count]) => `${count} × ${status}`)
    .join(', ');
}

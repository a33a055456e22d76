import { type Command, InvalidArgumentError } from 'commander';
import { EmulatorAdmin, type EmulatorStatsSnapshot } from '../../emulator/index.js';
import { isZohoTokensError, ZohoTokensError } from '../../errors.js';
import { TokenManager } from '../../manager/token-manager.js';
import { customEnvironment } from '../../oauth/data-centres.js';
import { type CliContext, withContext } from '../context.js';
import { examples } from '../output.js';
import { emulatorStatePath, startDemoEmulator } from './demo-emulator.js';
import { DemoReport, statusText } from './demo-report.js';
import { type DemoLogin, type DemoToken, demoToken, logInAgain } from './demo-token.js';

const USERS_PATH = '/crm/v8/users?type=CurrentUser';
const LEADS_PATH = '/crm/v8/Leads?fields=Last_Name,Company&per_page=5';

interface DemoOptions {
  user: string;
  calls: number;
  emulatorState?: string;
}

interface Burst {
  statuses: Record<string, number>;
  refreshes: number;
  throttled: boolean;
}

/** `demo`: the whole token life against the bundled emulator, in a few readable lines. */
export function demoCommand(program: Command): void {
  program
    .command('demo')
    .description(
      'see it work: log in to the bundled emulator, expire the token, 100 calls, 1 refresh',
    )
    .option('--user <email>', 'the demo user', 'demo@example.com')
    .option('--calls <n>', 'concurrent CRM calls after the access token expires', count, 100)
    .option('--emulator-state <file>', 'emulator state file (default: next to the store)')
    .addHelpText(
      'after',
      examples('zoho-tokens demo', 'zoho-tokens demo --json --store sqlite:/tmp/demo.db'),
    )
    .action(withContext<DemoOptions>(demo));
}

async function demo(context: CliContext, _args: string[], options: DemoOptions): Promise<void> {
  const statePath = emulatorStatePath(context.options.store, options.emulatorState);
  const emulator = await startDemoEmulator(statePath);
  try {
    const manager = new TokenManager({
      store: await context.store(),
      environment: customEnvironment(emulator),
      client: { clientId: emulator.clientId, clientSecret: emulator.clientSecret },
      logger: context.logger,
    });
    const login: DemoLogin = {
      manager,
      admin: new EmulatorAdmin(emulator),
      emulator,
      user: options.user,
    };
    const report = new DemoReport(context.json);
    const state = emulator.stateRestored ? 'state restored from' : 'new state in';
    report.header(
      `zoho-tokens demo: store ${context.storeName}, emulator ${emulator.apiUrl} ` +
        `(${state} ${statePath})`,
    );
    await runDemo(login, options.calls, report, { store: context.storeName, statePath });
  } finally {
    await emulator.close();
  }
}

async function runDemo(
  login: DemoLogin,
  calls: number,
  report: DemoReport,
  where: { store: string; statePath: string },
): Promise<void> {
  const start = await login.admin.stats();
  let token = await demoToken(login);
  report.step(token.note);
  token = await callCurrentUser(login, token, report);

  let burst = await expireAndCall(login, token, calls, report);
  if (burst.throttled) {
    const reason = 'zoho allows 10 refreshes per refresh token in 10 minutes';
    token = await logInAgain(login, token.token, reason);
    report.step(token.note);
    burst = await expireAndCall(login, token, calls, report);
  }

  const stats = login.manager.stats;
  report.step(
    `refresh count: ${burst.refreshes} at the emulator (must be 1), ${stats.refreshes} in ` +
      `manager.stats (${stats.refreshesAvoided} callers found it done)`,
  );
  const ok = burst.refreshes === 1;
  report.finish(
    {
      ok,
      store: where.store,
      emulator: { url: login.emulator.apiUrl, state_file: where.statePath },
      token: { id: token.token.id, user: token.token.userSignature, source: token.source },
      calls: { count: calls, statuses: burst.statuses },
      refreshes: {
        emulator: burst.refreshes,
        manager: stats.refreshes,
        found_done: stats.refreshesAvoided,
      },
      token_requests: requestsSince(start, await login.admin.stats()),
    },
    await login.manager.store.getTokens(),
  );
  if (!ok) throw new Error(`${calls} calls caused ${burst.refreshes} refreshes, not 1`);
}

/** One CRM call with the stored token; a token the emulator refuses for good means a new login. */
async function callCurrentUser(login: DemoLogin, token: DemoToken, report: DemoReport) {
  let current = token;
  let response: Response;
  try {
    response = await login.manager.fetch({ id: current.token.id! }, USERS_PATH);
  } catch (error) {
    if (!isZohoTokensError(error, 'ERR_NEEDS_LOGIN')) throw error;
    const reason = `the emulator refused stored token ${current.token.id} (${error.message})`;
    current = await logInAgain(login, current.token, reason);
    report.step(current.note);
    response = await login.manager.fetch({ id: current.token.id! }, USERS_PATH);
  }

  const body = (await response.json()) as { users?: { full_name?: string; email?: string }[] };
  if (!response.ok) throw new ZohoTokensError('ERR_API', `crm answered ${response.status}`);
  const user = body.users?.[0];
  report.step(`GET ${USERS_PATH} → ${response.status} (${user?.full_name} <${user?.email}>)`);
  return current;
}

/** Expires every access token at the emulator, then `calls` concurrent calls share one refresh. */
async function expireAndCall(
  login: DemoLogin,
  token: DemoToken,
  calls: number,
  report: DemoReport,
): Promise<Burst> {
  const expired = await login.admin.expireAccessTokens();
  report.step(
    `expired ${expired} access token(s) at the emulator; the store still thinks its copy valid`,
  );

  const before = await login.admin.stats();
  const ref = { id: token.token.id! };
  const responses = await Promise.all(
    Array.from({ length: calls }, () => login.manager.fetch(ref, LEADS_PATH)),
  );
  const after = await login.admin.stats();

  const statuses: Record<string, number> = {};
  for (const { status } of responses) statuses[status] = (statuses[status] ?? 0) + 1;
  const refreshes = after.token_requests.refresh_token - before.token_requests.refresh_token;
  const throttled =
    (after.token_errors['Access Denied'] ?? 0) > (before.token_errors['Access Denied'] ?? 0);
  const shared = refreshes === 1 ? 'sharing 1 refresh' : `after ${refreshes} refreshes`;
  report.step(`${calls} concurrent GET /crm/v8/Leads → ${statusText(statuses)}, ${shared}`);
  return { statuses, refreshes, throttled };
}

function requestsSince(start: EmulatorStatsSnapshot, end: EmulatorStatsSnapshot) {
  const delta = (key: keyof EmulatorStatsSnapshot['token_requests']) =>
    end.token_requests[key] - start.token_requests[key];
  return {
    authorization_code: delta('authorization_code'),
    refresh_token: delta('refresh_token'),
    client_credentials: delta('client_credentials'),
  };
}

function count(value: string): number {
  const number = Number(value);
  if (Number.isInteger(number) && number > 0 && number <= 10_000) return number;
  throw new InvalidArgumentError('not a whole number from 1 to 10000');
}

import { type Command, InvalidArgumentError } from 'commander';
import type { OAuthToken } from '../../token/oauth-token.js';
import { type CliContext, withContext } from '../context.js';
import { UsageError } from '../errors.js';
import { examples, print, printJson, tokenDetails, tokenRecord } from '../output.js';
import { BROWSER_SCOPES, browserGrant } from './login-browser.js';

const ALREADY_STORED = ' (already stored for this grant code; not exchanged)';

interface LoginOptions {
  redirectUrl?: string;
  grantCode?: string;
  user?: string;
  browser?: boolean;
  scope: string;
  timeoutS: number;
}

/** `login`: a grant code (Self Client, or the browser flow) exchanged and stored. */
export function loginCommand(program: Command): void {
  program
    .command('login')
    .description('exchange a grant code for a token and store it (or sign in with --browser)')
    .option('--grant-code <code>', "a grant code, e.g. from the API console's Self Client")
    .option('--redirect-url <url>', 'the redirect URL the code was issued for, if any')
    .option('--user <name>', 'store the token under this name (default: email:zgid from the CRM)')
    .option('--browser', 'sign in in a browser: prints the consent URL, listens for the redirect')
    .option('--scope <scopes>', 'scopes asked for with --browser', BROWSER_SCOPES)
    .option('--timeout-s <n>', 'how long --browser waits for the redirect', seconds, 300)
    .addHelpText(
      'after',
      examples(
        'zoho-tokens login --client-id 1000.CLIENTID --client-secret **** --grant-code 1000.ab.ef',
        'zoho-tokens --dc eu login --browser --redirect-url http://127.0.0.1:8765/callback',
      ),
    )
    .action(withContext<LoginOptions>(login));
}

async function login(context: CliContext, _args: string[], options: LoginOptions): Promise<void> {
  const { clientId, clientSecret } = context.options;
  if (!clientId || !clientSecret) {
    throw new UsageError('login needs --client-id and --client-secret (or ZOHO_CLIENT_ID/SECRET)');
  }
  if ((options.grantCode === undefined) === (options.browser !== true)) {
    throw new UsageError('login needs either --grant-code CODE or --browser');
  }
  context.requireLastingStore('login');

  const grant =
    options.browser === true
      ? await browserGrant(context, { ...options, clientId, timeoutMs: options.timeoutS * 1000 })
      : { code: options.grantCode!, redirectUrl: options.redirectUrl, environment: undefined };
  const manager = await context.manager(grant.redirectUrl);
  const exchangesBefore = manager.stats.grantExchanges;
  const token = await manager.exchangeGrantCode(grant.code, {
    redirectUrl: grant.redirectUrl,
    userSignature: options.user,
    environment: grant.environment,
  });
  // A code already exchanged into this store gives back the stored token without a request;
  // the user should know no exchange happened (a code works once).
  if (manager.stats.grantExchanges === exchangesBefore) {
    return report(context, token, 'found', ALREADY_STORED);
  }
  report(context, token, 'stored');
}

/** `stored token 1 for ada@example.com:7000001 in sqlite:zohooauth.db`, then the token. */
function report(context: CliContext, token: OAuthToken, verb: string, note = ''): void {
  if (context.json) {
    printJson(tokenRecord(token));
    return;
  }

  const user = token.userSignature ?? 'an unknown user';
  print(`${verb} token ${token.id} for ${user} in ${context.storeName}${note}`);
  print(tokenDetails(token, Date.now()));
}

function seconds(value: string): number {
  const number = Number(value);
  if (Number.isFinite(number) && number > 0) return number;
  throw new InvalidArgumentError('not a positive number of seconds');
}

import { type Command, InvalidArgumentError } from 'commander';
import { addClientOptions, type CliContext, type ClientOptions, withContext } from '../context.js';
import { UsageError } from '../errors.js';
import { examples, print, printJson, tokenDetails, tokenRecord } from '../output.js';
import { BROWSER_SCOPES, browserGrant } from './login-browser.js';

interface LoginOptions extends ClientOptions {
  grantCode?: string;
  user?: string;
  browser?: boolean;
  scope: string;
  timeoutS: number;
}

/** `login`: a grant code (Self Client, or the browser flow) exchanged and stored. */
export function loginCommand(program: Command): void {
  const command = program
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
        'zoho-tokens login --client-id 1000.XXXX --client-secret **** --grant-code 1000.abcd.ef01',
        'zoho-tokens --dc eu login --browser --redirect-url http://127.0.0.1:8765/callback',
      ),
    );
  addClientOptions(command, '(from the API console)');
  command.action(withContext<LoginOptions>(login));
}

async function login(context: CliContext, _args: string[], options: LoginOptions): Promise<void> {
  const { clientId, clientSecret } = options;
  if (!clientId || !clientSecret) {
    throw new UsageError('login needs --client-id and --client-secret (or ZOHO_CLIENT_ID/SECRET)');
  }
  if ((options.grantCode === undefined) === (options.browser !== true)) {
    throw new UsageError('login needs either --grant-code CODE or --browser');
  }

  const grant =
    options.browser === true
      ? await browserGrant(context, { ...options, clientId, timeoutMs: options.timeoutS * 1000 })
      : { code: options.grantCode!, redirectUrl: options.redirectUrl, environment: undefined };
  const manager = await context.manager(options);
  const token = await manager.exchangeGrantCode(grant.code, {
    redirectUrl: grant.redirectUrl,
    userSignature: options.user,
    environment: grant.environment,
  });
  if (context.json) return printJson(tokenRecord(token));

  print(
    `stored token ${token.id} for ${token.userSignature ?? 'an unknown user'} ` +
      `in ${context.storeName}`,
  );
  print(tokenDetails(token, Date.now()));
}

function seconds(value: string): number {
  const number = Number(value);
  if (Number.isFinite(number) && number > 0) return number;
  throw new InvalidArgumentError('not a positive number of seconds');
}

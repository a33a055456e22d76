import { type Command, Option } from 'commander';
import { ZohoTokensError } from '../../errors.js';
import type { TokenStore } from '../../store/token-store.js';
import type { OAuthToken } from '../../token/oauth-token.js';
import { withContext } from '../context.js';
import { UsageError } from '../errors.js';
import { examples, print } from '../output.js';

interface ApiOptions {
  user?: string;
  id?: string;
  method?: string;
  data?: string;
}

/** `api PATH`: an authorised CRM call, refreshing the token as needed; prints the body. */
export function apiCommand(program: Command): void {
  program
    .command('api')
    .description('call the CRM API with a stored token (refreshed as needed); prints the body')
    .argument('<path>', 'a path below the API domain, e.g. /crm/v8/users?type=CurrentUser')
    .option('--user <name>', 'the token of this user (as in list)')
    .addOption(new Option('--id <id>', 'the token with this id').conflicts('user'))
    .option('-X, --method <method>', 'HTTP method (default GET, or POST with --data)')
    .option('-d, --data <json>', 'a JSON request body (with POST, PUT, PATCH or DELETE)')
    .addHelpText(
      'after',
      examples(
        "zoho-tokens api '/crm/v8/users?type=CurrentUser'",
        "zoho-tokens api '/crm/v8/Leads?fields=Last_Name,Company' --user ada@example.com:7000001",
        'zoho-tokens api /crm/v8/org --id 1 --json',
      ),
    )
    .action(
      withContext<ApiOptions>(async (context, [path], options) => {
        const init = requestInit(options);
        const token = context.checkReachable(await chooseToken(await context.store(), options));
        context.logger.debug('crm request', { method: init.method, path: pathOnly(path!) });
        const response = await (await context.manager()).fetch({ id: token.id! }, path!, init);
        const body = await response.text();
        if (body !== '') print(context.json ? body : pretty(body));
        if (!response.ok) throw apiError(response.status, body);
      }),
    );
}

/** `--id`, `--user`, or the only stored token; with several, the error lists them. */
async function chooseToken(store: TokenStore, options: ApiOptions): Promise<OAuthToken> {
  if (options.id !== undefined || options.user !== undefined) return namedToken(store, options);

  const tokens = await store.getTokens();
  if (tokens.length === 1) return tokens[0]!;
  if (tokens.length === 0) {
    throw new ZohoTokensError('ERR_TOKEN_NOT_FOUND', 'no stored tokens; log in first (see login)');
  }

  const choices = tokens.map((token) => `${token.id} (${token.userSignature ?? 'no user'})`);
  throw new UsageError(
    `${tokens.length} tokens are stored; choose one with --id or --user: ${choices.join(', ')}`,
  );
}

async function namedToken(store: TokenStore, options: ApiOptions): Promise<OAuthToken> {
  const token =
    options.id !== undefined
      ? await store.findTokenById(options.id)
      : await store.findToken({ userSignature: options.user! });
  if (token !== null) return token;

  const which = options.id !== undefined ? `id ${options.id}` : `user ${options.user}`;
  throw new ZohoTokensError('ERR_TOKEN_NOT_FOUND', `no stored token with ${which} (see list)`);
}

/** The methods the CRM API uses, and the two that say nothing of a body to a server. */
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];
const BODYLESS = ['GET', 'HEAD'];

/** Checked before any request: a mistyped method or a body on GET is the caller's mistake. */
function requestInit(options: ApiOptions): RequestInit {
  const method = (options.method ?? (options.data === undefined ? 'GET' : 'POST')).toUpperCase();
  if (!METHODS.includes(method)) {
    throw new UsageError(`--method must be one of ${METHODS.join(', ')}, not "${options.method}"`);
  }
  if (options.data === undefined) return { method };

  if (BODYLESS.includes(method)) {
    throw new UsageError(`--data cannot be sent with ${method}; use -X POST, PUT or PATCH`);
  }
  try {
    JSON.parse(options.data);
  } catch {
    throw new UsageError('--data is not valid JSON');
  }
  return { method, body: options.data, headers: { 'content-type': 'application/json' } };
}

function pretty(body: string): string {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}

/** Zoho's CRM errors carry a `code` such as `INVALID_URL_PATTERN`; the message names it. */
function apiError(status: number, body: string): ZohoTokensError {
  let code = '';
  try {
    const parsed = JSON.parse(body) as { code?: unknown };
    if (typeof parsed.code === 'string') code = ` ${parsed.code}`;
  } catch {
    // Not JSON (a proxy's error page, say): the status alone tells the story.
  }
  return new ZohoTokensError('ERR_API', `crm answered ${status}${code}`);
}

/** The path without its query: a query may carry personal data, which debug lines skip. */
function pathOnly(path: string): string {
  return path.split('?')[0]!;
}

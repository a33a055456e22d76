import { type Command, Option } from 'commander';
import { ZohoTokensError } from '../../errors.js';
import type { OAuthToken } from '../../token/oauth-token.js';
import { withContext } from '../context.js';
import { examples, print, printJson, tokenDetails, tokenRecord } from '../output.js';

/** The secrets `show --reveal` can print, by their printed name. */
const REVEALABLE = {
  access_token: 'accessToken',
  refresh_token: 'refreshToken',
  client_secret: 'clientSecret',
  grant_token: 'grantToken',
} as const;

type RevealableField = keyof typeof REVEALABLE;

interface ShowOptions {
  reveal?: RevealableField;
}

/** `show ID`: one token, masked; `--reveal FIELD` is the only way the CLI prints a secret. */
export function showCommand(program: Command): void {
  program
    .command('show')
    .description('show one stored token (secrets masked), or reveal one secret value')
    .argument('<id>', 'the token id (see list)')
    .addOption(
      new Option('--reveal <field>', 'print this one secret value alone, unmasked').choices(
        Object.keys(REVEALABLE),
      ),
    )
    .addHelpText(
      'after',
      examples('zoho-tokens show 1', 'ACCESS=$(zoho-tokens show 1 --reveal access_token)'),
    )
    .action(
      withContext<ShowOptions>(async (context, [id], options) => {
        const token = await context.tokenById(id!);
        if (options.reveal !== undefined) return print(revealed(token, options.reveal));
        if (context.json) return printJson(tokenRecord(token));

        print(tokenDetails(token, Date.now()));
      }),
    );
}

function revealed(token: OAuthToken, field: RevealableField): string {
  const value = token[REVEALABLE[field]];
  if (value !== null) return value;

  throw new ZohoTokensError('ERR_TOKEN_INCOMPLETE', `token ${token.id} has no ${field}`);
}

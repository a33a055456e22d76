import type { Command } from 'commander';
import { withContext } from '../context.js';
import { examples, print, printJson, tokenRecord, tokensTable } from '../output.js';

/** `list`: every stored token, one row each, secrets masked. */
export function listCommand(program: Command): void {
  program
    .command('list')
    .description('list the stored tokens (secrets masked)')
    .addHelpText(
      'after',
      examples('zoho-tokens list', 'zoho-tokens list --json --store file:sdk_tokens.csv'),
    )
    .action(
      withContext(async (context) => {
        const tokens = await (await context.store()).getTokens();
        if (context.json) return printJson(tokens.map(tokenRecord));
        if (tokens.length === 0) return print(`no tokens in ${context.storeName}`);

        print(tokensTable(tokens, Date.now()));
      }),
    );
}

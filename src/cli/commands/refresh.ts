import type { Command } from 'commander';
import { withContext } from '../context.js';
import { examples, expiryText, print, printJson, tokenRecord } from '../output.js';

/** `refresh ID`: a new access token now, whatever the expiry. */
export function refreshCommand(program: Command): void {
  program
    .command('refresh')
    .description('get a new access token for a stored token now and store it')
    .argument('<id>', 'the token id (see list)')
    .addHelpText(
      'after',
      examples(
        'zoho-tokens refresh 1',
        'zoho-tokens refresh 1 --accounts-url http://127.0.0.1:4010   # an emulator token',
      ),
    )
    .action(
      withContext(async (context, [id]) => {
        context.checkReachable(await context.tokenById(id!));
        const token = await (await context.manager()).refresh({ id: id! });
        if (context.json) return printJson(tokenRecord(token));

        print(
          `refreshed token ${token.id}: ` +
            `access token expires ${expiryText(token.expiresAt, Date.now())}`,
        );
      }),
    );
}

import type { Command } from 'commander';
import { withContext } from '../context.js';
import { examples, print, printJson } from '../output.js';

/** `delete ID`: removes a token from the store only; Zoho still honours it until revoked. */
export function deleteCommand(program: Command): void {
  program
    .command('delete')
    .description('delete a token from the store (without revoking it at Zoho)')
    .argument('<id>', 'the token id (see list)')
    .addHelpText('after', examples('zoho-tokens delete 2'))
    .action(
      withContext(async (context, [id]) => {
        const token = await context.tokenById(id!);
        await (await context.store()).deleteToken(id!);
        if (context.json) return printJson({ deleted: id, user: token.userSignature });

        print(
          `deleted token ${id} (${token.userSignature ?? 'no user'}); it was not revoked at Zoho`,
        );
      }),
    );
}

import type { Command } from 'commander';
import { addClientOptions, type ClientOptions, withContext } from '../context.js';
import { examples, print, printJson } from '../output.js';

/** `revoke ID`: the refresh token is revoked at Zoho, then the token deleted from the store. */
export function revokeCommand(program: Command): void {
  const command = program
    .command('revoke')
    .description('revoke a token at Zoho (its access tokens die too) and delete it from the store')
    .argument('<id>', 'the token id (see list)')
    .addHelpText('after', examples('zoho-tokens revoke 1'));
  addClientOptions(command, '(only for tokens stored without them)');
  command.action(
    withContext<ClientOptions>(async (context, [id], options) => {
      const token = context.checkReachable(await context.tokenById(id!));
      await (await context.manager(options)).revoke({ id: id! });
      if (context.json) return printJson({ revoked: id, user: token.userSignature });

      print(
        `revoked token ${id} (${token.userSignature ?? 'no user'}) and deleted it from the store`,
      );
    }),
  );
}

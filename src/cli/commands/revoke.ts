import type { Command } from 'commander';
import { isZohoTokensError, ZohoTokensError } from '../../errors.js';
import { withContext } from '../context.js';
import { examples, print, printJson } from '../output.js';

/** `revoke ID`: the refresh token is revoked at Zoho, then the token deleted from the store. */
export function revokeCommand(program: Command): void {
  program
    .command('revoke')
    .description('revoke a token at Zoho (its access tokens die too) and delete it from the store')
    .argument('<id>', 'the token id (see list)')
    .addHelpText('after', examples('zoho-tokens revoke 1'))
    .action(
      withContext(async (context, [id]) => {
        const token = context.checkReachable(await context.tokenById(id!));
        const manager = await context.manager();
        await manager.revoke({ id: id! }).catch((error: unknown) => {
          throw withDeleteHint(error, id!);
        });
        if (context.json) return printJson({ revoked: id, user: token.userSignature });

        print(
          `revoked token ${id} (${token.userSignature ?? 'no user'}) and deleted it from the store`,
        );
      }),
    );
}

/**
 * Zoho answers a revoke of a refresh token it no longer knows (revoked already, in another app
 * or by the user in their account) with a plain refusal, and the token then stays in the
 * store: the message says how to remove it.
 */
function withDeleteHint(error: unknown, id: string): unknown {
  if (!isZohoTokensError(error, 'ERR_OAUTH_REJECTED')) return error;

  return new ZohoTokensError(
    'ERR_OAUTH_REJECTED',
    `${error.message}; the token may already be revoked: ` +
      `zoho-tokens delete ${id} removes it from the store`,
    { cause: error },
  );
}

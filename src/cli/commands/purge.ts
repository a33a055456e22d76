import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import { ZohoTokensError } from '../../errors.js';
import { type CliContext, withContext } from '../context.js';
import { UsageError } from '../errors.js';
import { examples, print, printJson } from '../output.js';

interface PurgeOptions {
  yes?: boolean;
}

/** `purge`: deletes every token, after a question on a terminal or with `--yes`. */
export function purgeCommand(program: Command): void {
  program
    .command('purge')
    .description('delete every token from the store (without revoking them at Zoho)')
    .option('-y, --yes', 'do not ask; required when stdin is not a terminal')
    .addHelpText('after', examples('zoho-tokens purge', 'zoho-tokens purge --yes --store memory:'))
    .action(
      withContext<PurgeOptions>(async (context, _args, options) => {
        const store = await context.store();
        const count = (await store.getTokens()).length;
        if (options.yes !== true && !(await confirmed(context, count))) {
          throw new ZohoTokensError('ERR_CANCELLED', 'purge cancelled; nothing deleted');
        }

        await store.deleteTokens();
        if (context.json) return printJson({ deleted: count });
        print(`deleted ${count} token${count === 1 ? '' : 's'} from ${context.storeName}`);
      }),
    );
}

async function confirmed(context: CliContext, count: number): Promise<boolean> {
  if (!process.stdin.isTTY) {
    throw new UsageError('purge deletes every token: pass --yes (stdin is not a terminal)');
  }

  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await prompt.question(
      `delete all ${count} tokens in ${context.storeName}? [y/N] `,
    );
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    prompt.close();
  }
}

import type { Command } from 'commander';
import { EncryptedStore } from '../../store/encrypted/encrypted-store.js';
import { rotateKeys } from '../../store/encrypted/rotate-keys.js';
import { withContext } from '../context.js';
import { UsageError } from '../errors.js';
import { examples, print, printJson } from '../output.js';

/**
 * `rotate-key`: re-encrypts every token of an `encrypted+` store under the current key (the
 * first of `ZOHO_TOKENS_KEYS` or of the key file), after which older keys can be dropped.
 */
export function rotateKeyCommand(program: Command): void {
  program
    .command('rotate-key')
    .description('re-encrypt every token under the current key (the first in ZOHO_TOKENS_KEYS)')
    .addHelpText(
      'after',
      examples(
        'ZOHO_TOKENS_KEYS="k2:NEWKEY,k1:OLDKEY" zoho-tokens rotate-key \\\n' +
          '      --store encrypted+sqlite:zohooauth.db',
        'ZOHO_TOKENS_KEY_FILE=/etc/zoho-tokens/keys zoho-tokens rotate-key --json \\\n' +
          '      --store encrypted+redis://127.0.0.1:6379/0',
      ),
    )
    .action(
      withContext(async (context) => {
        const store = await context.store();
        if (!(store instanceof EncryptedStore)) {
          throw new UsageError(
            `rotate-key needs an encrypted store: --store encrypted+${context.storeName}`,
          );
        }

        const result = await rotateKeys(store);
        if (context.json) {
          return printJson({ rotated: result.rotated, total: result.total, key_id: result.keyId });
        }
        print(`re-encrypted ${result.rotated} of ${result.total} tokens under key ${result.keyId}`);
      }),
    );
}

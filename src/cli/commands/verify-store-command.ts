import type { Command } from 'commander';
import { examples } from '../output.js';
import { verifyStoreCommand } from './verify-store.js';

interface VerifyStoreOptions {
  export?: string;
}

/**
 * `verify-store MODULE`: the conformance kit on a custom store (see verify-store.ts). A store
 * that fails a check is a result, not an error: the report is printed and the exit status is 1.
 */
export function verifyStoreRegistration(program: Command): void {
  program
    .command('verify-store')
    .description('run the conformance kit on a custom store module and report each behaviour')
    .argument('<module>', 'a .js/.mjs/.cjs or .ts module exporting a store class or factory')
    .option(
      '--export <name>',
      'the export to verify (default: default, createStore, or the one class)',
    )
    .addHelpText(
      'after',
      examples(
        'zoho-tokens verify-store ./my-store.js',
        'zoho-tokens verify-store examples/list-store.ts --export ListStore --json',
      ),
    )
    .action(async (modulePath: string, options: VerifyStoreOptions, command: Command) => {
      const { json } = command.optsWithGlobals<{ json?: boolean }>();
      const { exitCode } = await verifyStoreCommand({
        modulePath,
        exportName: options.export,
        json,
      });
      process.exitCode = exitCode;
    });
}

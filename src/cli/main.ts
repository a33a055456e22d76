import { Command, CommanderError, Option } from 'commander';
// Bundled into dist/cli.js at build time, so the version printed is the one that was built.
import packageJson from '../../package.json' with { type: 'json' };
import { apiCommand } from './commands/api.js';
import { deleteCommand } from './commands/delete.js';
import { demoCommand } from './commands/demo.js';
import { emulatorCommand } from './commands/emulator.js';
import { listCommand } from './commands/list.js';
import { loginCommand } from './commands/login.js';
import { migrateCommand } from './commands/migrate.js';
import { purgeCommand } from './commands/purge.js';
import { refreshCommand } from './commands/refresh.js';
import { revokeCommand } from './commands/revoke.js';
import { rotateKeyCommand } from './commands/rotate-key.js';
import { showCommand } from './commands/show.js';
import { verifyStoreRegistration } from './commands/verify-store-command.js';
import { DEFAULT_STORE_URL } from './context.js';
import { errorLines, exitCodeOf } from './errors.js';
import { dropOutputWhenStdoutCloses, examples } from './output.js';

/** Commands in the order `--help` lists them. */
const COMMANDS = [
  demoCommand,
  loginCommand,
  listCommand,
  showCommand,
  refreshCommand,
  revokeCommand,
  deleteCommand,
  purgeCommand,
  apiCommand,
  emulatorCommand,
  migrateCommand,
  rotateKeyCommand,
  verifyStoreRegistration,
];

/** The `zoho-tokens` program: global options, then one subcommand per module. */
export function buildProgram(): Command {
  const program = new Command('zoho-tokens')
    .description('Keep Zoho OAuth tokens persisted and fresh: log in, list, refresh, call the CRM.')
    .addOption(
      new Option(
        '--store <url>',
        'token store URL (sqlite:, file:, mysql://, postgres://, redis://, memory:)',
      )
        .env('ZOHO_TOKEN_STORE')
        .default(DEFAULT_STORE_URL),
    )
    .addOption(
      new Option('--dc <code>', 'Zoho data centre: us, eu, in, cn, au, jp, ca, sa, uk')
        .env('ZOHO_DC')
        .default('us'),
    )
    .addOption(
      new Option('--accounts-url <url>', 'a custom accounts server (e.g. the emulator)').env(
        'ZOHO_ACCOUNTS_URL',
      ),
    )
    .addOption(
      new Option('--api-url <url>', 'a custom CRM API domain (e.g. the emulator)').env(
        'ZOHO_API_URL',
      ),
    )
    .addOption(
      new Option(
        '--client-id <id>',
        "the app's client id: for login, and tokens stored without one",
      ).env('ZOHO_CLIENT_ID'),
    )
    .addOption(
      new Option('--client-secret <secret>', "the app's client secret, likewise").env(
        'ZOHO_CLIENT_SECRET',
      ),
    )
    .option('--json', 'machine-readable output')
    .option('-v, --verbose', 'debug lines on stderr (never secrets)')
    .version(packageJson.version, '-V, --version', 'print the version of zoho-tokens')
    .addHelpText(
      'after',
      examples(
        'zoho-tokens demo                      # try it all against the bundled emulator',
        'zoho-tokens login --client-id 1000.CLIENTID --client-secret **** --grant-code 1000.ab.ef',
        'zoho-tokens list',
        "zoho-tokens api '/crm/v8/users?type=CurrentUser'",
      ),
    )
    .addHelpText('after', '\nEach command has its own examples: zoho-tokens <command> --help')
    // A command's help also lists these options: --client-id is what `login` needs most.
    .configureHelp({ showGlobalOptions: true })
    .showSuggestionAfterError()
    .exitOverride()
    // Commander's own error text is replaced by our one-line form in run().
    .configureOutput({ outputError: () => {} });

  for (const register of COMMANDS) register(program);
  return program;
}

/** Runs the CLI on `argv` and resolves to the exit status; prints one line on failure. */
export async function run(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    // A command whose result is a failure (verify-store's report) sets the status itself.
    return Number(process.exitCode ?? 0);
  } catch (error) {
    if (error instanceof CommanderError) return commanderExit(error);

    const verbose = argv.includes('--verbose') || argv.includes('-v');
    for (const line of errorLines(error, verbose)) process.stderr.write(`${line}\n`);
    return exitCodeOf(error);
  }
}

/** Help and version exit 0; a parse error prints one line and exits 2, like a usage error. */
function commanderExit(error: CommanderError): number {
  if (error.exitCode === 0) return 0;
  if (error.code === 'commander.help') return 2;

  // Commander puts its "(Did you mean list?)" on a second line; the CLI prints one.
  const message = error.message.replace(/^error: /, '').replace(/\s*\n\s*/g, ' ');
  process.stderr.write(`zoho-tokens: ${message} [ERR_USAGE]\n`);
  return 2;
}

dropOutputWhenStdoutCloses();
process.exitCode = await run(process.argv);

import { type Command, InvalidArgumentError } from 'commander';
import { type EmulatorOptions, emulatorInfoLine, startEmulator } from '../../emulator/index.js';
import type { GlobalOptions } from '../context.js';
import { examples, print } from '../output.js';

interface EmulatorCommandOptions {
  port?: number;
  accessTokenTtlS?: number;
  autoApprove?: boolean;
  state?: string;
}

/** `emulator`: the bundled Zoho emulator on loopback until SIGINT or SIGTERM. */
export function emulatorCommand(program: Command): void {
  program
    .command('emulator')
    .description(
      'run the bundled Zoho accounts + CRM emulator on loopback (one JSON line, then serve)',
    )
    .option('-p, --port <n>', 'port to listen on (default: a free one)', portNumber)
    .option('--access-token-ttl-s <n>', 'access token lifetime in seconds (default 3600)', positive)
    .option('--auto-approve', 'skip the consent page: /oauth/v2/auth redirects at once')
    .option('--state <file>', 'keep clients, users and tokens in this file across restarts')
    .addHelpText(
      'after',
      examples(
        'zoho-tokens emulator --port 4010',
        'zoho-tokens emulator --access-token-ttl-s 60 --auto-approve &',
        'zoho-tokens emulator --state zohooauth.emulator.json  # same port, tokens next time',
        'zoho-tokens emulator --client-id 1000.MYAPP --client-secret s3cret  # this client',
      ),
    )
    .addHelpText(
      'after',
      '--client-id and --client-secret, given on the command line, register that client instead' +
        "\nof the emulator's own; ZOHO_CLIENT_ID/SECRET are not read, so a real secret is never" +
        '\nechoed.',
    )
    .action(async (options: EmulatorCommandOptions, command: Command) => {
      const running = await startEmulator(emulatorOptions(options, command));
      // Listen before announcing: whoever reads the line may stop us at once.
      const stopped = signalled();
      print(emulatorInfoLine(running));
      await stopped;
      await running.close();
    });
}

function emulatorOptions(options: EmulatorCommandOptions, command: Command): EmulatorOptions {
  return {
    port: options.port,
    accessTokenTtlS: options.accessTokenTtlS,
    clientId: fromCommandLine(command, 'clientId'),
    clientSecret: fromCommandLine(command, 'clientSecret'),
    autoApprove: options.autoApprove,
    statePath: options.state,
  };
}

/**
 * The global `--client-id`/`--client-secret` only when typed on this command line: the emulator
 * prints its client secret on start-up, and must never print a real one from the environment.
 */
function fromCommandLine(command: Command, key: 'clientId' | 'clientSecret'): string | undefined {
  if (command.getOptionValueSourceWithGlobals(key) !== 'cli') return undefined;
  return command.optsWithGlobals<GlobalOptions>()[key];
}

/** Resolves on the first SIGINT or SIGTERM (Ctrl-C, `kill`, a test tearing down). */
function signalled(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

function portNumber(value: string): number {
  const port = Number(value);
  if (Number.isInteger(port) && port >= 0 && port <= 65_535) return port;
  throw new InvalidArgumentError('not a port number (0 to 65535)');
}

function positive(value: string): number {
  const number = Number(value);
  if (Number.isFinite(number) && number > 0) return number;
  throw new InvalidArgumentError('not a positive number');
}

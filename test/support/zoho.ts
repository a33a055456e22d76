import { EmulatorAdmin, type EmulatorOptions, startEmulator } from '../../src/emulator/index.js';
import { type Logger, lineLogger } from '../../src/logger.js';
import { TokenManager, type TokenManagerOptions } from '../../src/manager/token-manager.js';
import { customEnvironment } from '../../src/oauth/data-centres.js';
import type { TokenStore } from '../../src/store/token-store.js';

/** A running emulator with its admin client and the environment that points at it. */
export async function zohoEmulator(options: EmulatorOptions = {}) {
  const emulator = await startEmulator(options);
  return {
    emulator,
    admin: new EmulatorAdmin(emulator),
    environment: customEnvironment(emulator),
    client: { clientId: emulator.clientId, clientSecret: emulator.clientSecret },
  };
}

export type ZohoFixture = Awaited<ReturnType<typeof zohoEmulator>>;

/** A manager talking to the emulator, with fast retries so failure tests stay quick. */
export function managerFor(
  zoho: ZohoFixture,
  store: TokenStore,
  options: Partial<TokenManagerOptions> = {},
): TokenManager {
  return new TokenManager({
    store,
    environment: zoho.environment,
    client: zoho.client,
    accounts: { retry: { baseDelayMs: 5, maxDelayMs: 20 } },
    ...options,
  });
}

/** A debug-level logger that keeps every line, to look for leaked secrets afterwards. */
export function recordingLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  return { logger: lineLogger('debug', (line) => lines.push(line)), lines };
}

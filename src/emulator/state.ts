import { ClientRegistry } from './clients.js';
import { EmulatorClock } from './clock.js';
import { Directory } from './directory.js';
import { FaultPlan } from './faults.js';
import type { ResolvedOptions } from './options.js';
import { EmulatorStats } from './stats.js';
import { TokenRegistry } from './token-registry.js';

/** Where the emulator answers; known once the server listens. */
export interface EmulatorUrls {
  accountsUrl: string;
  apiUrl: string;
  adminUrl: string;
}

/** Everything one emulator instance knows; routes receive it, nothing is module-global. */
export interface EmulatorState {
  options: ResolvedOptions;
  clock: EmulatorClock;
  clients: ClientRegistry;
  directory: Directory;
  tokens: TokenRegistry;
  stats: EmulatorStats;
  faults: FaultPlan;
  urls: EmulatorUrls;
}

export function createState(options: ResolvedOptions): EmulatorState {
  const clock = new EmulatorClock();
  const clients = new ClientRegistry();
  clients.register({
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    redirectUris: [],
  });
  const tokens = new TokenRegistry(clock, {
    accessTokenTtlMs: options.accessTokenTtlS * 1000,
    maxActiveAccessTokens: options.maxActiveAccessTokens,
    maxRefreshTokensPerUser: options.maxRefreshTokensPerUser,
    refreshLimit: options.refreshLimit,
  });
  const directory = new Directory();
  directory.ensureUser(options.defaultUser);

  return {
    options,
    clock,
    clients,
    directory,
    tokens,
    stats: new EmulatorStats(),
    faults: new FaultPlan(),
    urls: { accountsUrl: '', apiUrl: '', adminUrl: '' },
  };
}

import { ClientRegistry } from './clients.js';
import { EmulatorClock } from './clock.js';
import { Directory } from './directory.js';
import { FaultPlan } from './faults.js';
import type { ResolvedOptions } from './options.js';
import type { StatePersistence } from './state-file.js';
import type { SavedState } from './state-format.js';
import { EmulatorStats } from './stats.js';
import { TokenRegistry } from './token-registry.js';

/** Where the emulator answers; known once the server listens. */
export interface EmulatorUrls {
  accountsUrl: string;
  apiUrl: string;
  adminUrl: string;
}

/** Counts changes worth saving, so the state file is written only when one happened. */
export class Revision {
  #value = 0;

  readonly bump = (): void => {
    this.#value += 1;
  };

  get value(): number {
    return this.#value;
  }
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
  revision: Revision;
  /** Set when the emulator keeps a state file. */
  persistence: StatePersistence | undefined;
}

/**
 * A fresh state, or the one `saved` by an earlier run. Either way the start-up client
 * (whose secret the options decide) and the default user are there.
 */
export function createState(options: ResolvedOptions, saved?: SavedState): EmulatorState {
  const revision = new Revision();
  const clock = new EmulatorClock(saved?.clockOffsetMs ?? 0, revision.bump);
  const clients = new ClientRegistry(revision.bump);
  for (const client of saved?.clients ?? []) clients.register(client);
  clients.register({
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    redirectUris: clients.find(options.clientId)?.redirectUris ?? [],
  });
  const tokens = new TokenRegistry(
    clock,
    {
      accessTokenTtlMs: options.accessTokenTtlS * 1000,
      maxActiveAccessTokens: options.maxActiveAccessTokens,
      maxRefreshTokensPerUser: options.maxRefreshTokensPerUser,
      refreshLimit: options.refreshLimit,
    },
    saved?.tokens,
    revision.bump,
  );
  const directory = new Directory(saved?.directory, revision.bump);
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
    revision,
    persistence: undefined,
  };
}

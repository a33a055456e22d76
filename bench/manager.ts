import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EmulatorAdmin, type RunningEmulator, startEmulator } from '../src/emulator/index.js';
import { TokenManager } from '../src/manager/token-manager.js';
import { customEnvironment } from '../src/oauth/data-centres.js';
import { MemoryStore } from '../src/store/memory/memory-store.js';
import type { TokenStore } from '../src/store/token-store.js';
import type { OAuthToken } from '../src/token/oauth-token.js';
import { type Budget, measure, type Timing } from './measure.js';
import { loadSdk, type SdkToken } from './official.js';

/** `getAccessToken` on a token that is valid: the cost every API call pays. */
export interface ValidTokenFigures extends Timing {
  /** Store calls made while it was measured (the goal is none). */
  storeCalls: number;
}

/** Many callers asking at once for a token that has expired. */
export interface ExpiredTokenFigures {
  store: string;
  callers: number;
  /** `refresh_token` requests the emulator received. */
  refreshRequests: number;
  /** Callers that got an error instead of a token. */
  errors: number;
  /** Callers that got a token other than the one refresh made. */
  mismatched: number;
  wallMs: number;
}

/** The official SDK's `getToken()` on the same emulator, when it could be measured. */
export interface OfficialManagerFigures {
  /** `getToken()` on a valid token, with its FileStore holding one token. */
  validToken: Timing | null;
  expiredToken: Omit<ExpiredTokenFigures, 'mismatched'> | null;
  /** Why something could not be measured. */
  problem: string | null;
}

/** A store to run the expired-token test on, opened empty. */
export interface NamedStore {
  label: string;
  open(): Promise<TokenStore>;
}

const EXPIRED_CALLERS = 1_000;
const OFFICIAL_CALLERS = 100;

/** A running emulator and what talks to it. */
export interface ZohoBench {
  emulator: RunningEmulator;
  admin: EmulatorAdmin;
  close(): Promise<void>;
}

export async function startZoho(): Promise<ZohoBench> {
  const emulator = await startEmulator();
  return { emulator, admin: new EmulatorAdmin(emulator), close: () => emulator.close() };
}

/** Times `getAccessToken` on a valid token and counts the store calls it makes meanwhile. */
export async function measureValidToken(
  zoho: ZohoBench,
  budget: Budget,
): Promise<ValidTokenFigures> {
  const counted = countingStore(new MemoryStore());
  const manager = managerOn(zoho, counted.store);
  const token = await loggedIn(zoho, manager, 'valid@bench.example');
  const ref = { user: token.userSignature! };
  await manager.getAccessToken(ref);

  counted.reset();
  const timings = await measure(
    [{ name: 'getAccessToken', run: () => manager.getAccessToken(ref) }],
    budget,
  );
  return { ...timings.get('getAccessToken')!, storeCalls: counted.calls() };
}

/**
 * Stores an expired token, then lets {@link EXPIRED_CALLERS} callers of a new manager (nothing
 * remembered) ask for it at once, and counts the refresh requests Zoho (the emulator) received.
 */
export async function measureExpiredToken(
  zoho: ZohoBench,
  target: NamedStore,
): Promise<ExpiredTokenFigures> {
  const store = await target.open();
  try {
    const user = `expired-${target.label.replace(/\W+/g, '-').toLowerCase()}@bench.example`;
    const token = await loggedIn(zoho, managerOn(zoho, store), user);
    await store.saveToken(token.with({ expiresAt: Date.now() - 60_000 }));

    const manager = managerOn(zoho, store);
    await zoho.admin.resetStats();
    const started = performance.now();
    const results = await Promise.allSettled(
      Array.from({ length: EXPIRED_CALLERS }, () =>
        manager.getAccessToken({ user: token.userSignature! }),
      ),
    );
    const wallMs = performance.now() - started;
    const stats = await zoho.admin.stats();

    const tokens = results.flatMap((result) =>
      result.status === 'fulfilled' ? [result.value] : [],
    );
    const refreshed = (await store.findTokenById(token.id!))?.accessToken;
    return {
      store: target.label,
      callers: EXPIRED_CALLERS,
      refreshRequests: stats.token_requests.refresh_token,
      errors: results.length - tokens.length,
      mismatched: tokens.filter((value) => value !== refreshed).length,
      wallMs,
    };
  } finally {
    await store.close?.();
  }
}

/**
 * The official SDK on the same emulator, with its FileStore holding one token: `getToken()` on
 * the valid token (each call reads the store), then {@link OFFICIAL_CALLERS} concurrent
 * `getToken()` calls once the stored token has expired.
 */
export async function measureOfficialManager(
  zoho: ZohoBench,
  dir: string,
  budget: Budget,
): Promise<OfficialManagerFigures> {
  const figures: OfficialManagerFigures = { validToken: null, expiredToken: null, problem: null };
  try {
    const sdk = loadSdk();
    const token = await loggedIn(
      zoho,
      managerOn(zoho, new MemoryStore()),
      'official@bench.example',
    );
    const path = join(dir, 'official-sdk-tokens.csv');
    writeFileSync(path, officialFile(token, token.expiresAt!));

    const { emulator } = zoho;
    const sdkToken = () => new sdk.OAuthToken(null, null, null, null, null, token.id) as SdkToken;
    const initialToken = sdkToken();
    await new sdk.InitializeBuilder()
      .environment(
        new sdk.Environment(emulator.apiUrl, `${emulator.accountsUrl}/oauth/v2/token`, ''),
      )
      .token(initialToken)
      .store(new sdk.FileStore(path))
      .resourcePath(dir)
      .initialize();

    const timings = await measure(
      [{ name: 'getToken', run: () => initialToken.getToken() }],
      budget,
    );
    figures.validToken = timings.get('getToken')!;

    writeFileSync(path, officialFile(token, Date.now() - 60_000));
    await zoho.admin.resetStats();
    const started = performance.now();
    const results = await Promise.allSettled(
      Array.from({ length: OFFICIAL_CALLERS }, () => sdkToken().getToken()),
    );
    const wallMs = performance.now() - started;
    const stats = await zoho.admin.stats();
    figures.expiredToken = {
      store: 'official FileStore',
      callers: OFFICIAL_CALLERS,
      refreshRequests: stats.token_requests.refresh_token,
      errors: results.filter((result) => result.status === 'rejected').length,
      wallMs,
    };
  } catch (error) {
    // A plus, not a goal: the report says what stopped it instead of failing the run.
    figures.problem = error instanceof Error ? error.message : String(error);
  }
  return figures;
}

/** A grant code exchanged for a token, stored under the user the CRM reports. */
async function loggedIn(zoho: ZohoBench, manager: TokenManager, user: string): Promise<OAuthToken> {
  const code = await zoho.admin.mintGrantCode(user);
  return manager.exchangeGrantCode(code);
}

function managerOn(zoho: ZohoBench, store: TokenStore): TokenManager {
  const { emulator } = zoho;
  return new TokenManager({
    store,
    environment: customEnvironment(emulator),
    client: { clientId: emulator.clientId, clientSecret: emulator.clientSecret },
  });
}

/** The official SDK's CSV file with one token, expiring at `expiresAt`. */
function officialFile(token: OAuthToken, expiresAt: number): string {
  const row = [
    token.id,
    token.userSignature,
    token.clientId,
    token.clientSecret,
    token.refreshToken,
    token.accessToken,
    token.grantToken,
    String(expiresAt),
    token.redirectUrl,
    token.apiDomain,
  ];
  return [
    'id,user_mail,client_id,client_secret,refresh_token,access_token,grant_token,expiry_time,' +
      'redirect_url,api_domain',
    row.map((value) => value ?? '').join(','),
  ].join('\n');
}

/** Wraps a store so that every method call is counted. */
function countingStore(store: TokenStore): {
  store: TokenStore;
  calls(): number;
  reset(): void;
} {
  let calls = 0;
  const counted = new Proxy(store, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls++;
        return value.apply(target, args);
      };
    },
  });
  return {
    store: counted,
    calls: () => calls,
    reset: () => {
      calls = 0;
    },
  };
}

import { resolve } from 'node:path';

/** Options accepted by {@link startEmulator}. Every field is optional. */
export interface EmulatorOptions {
  /**
   * TCP port to listen on; `0` picks a free port. Left out, the emulator prefers the port
   * saved in {@link statePath} (taking a free port if that one is busy), else a free port.
   * The port actually used is {@link RunningEmulator.port}.
   */
  port?: number;
  /**
   * With a non-zero {@link port}: when that port is taken, listen on a free port instead
   * of failing with `EADDRINUSE`. Default false.
   */
  portFallback?: boolean;
  /**
   * A JSON file that keeps the emulator's state across restarts: registered clients,
   * users and orgs with their leads, grant codes, consents, refresh tokens with their
   * limit windows, live access tokens with their expiry, the clock offset and the port.
   * Revoked tokens and used codes are simply absent, so they stay invalid.
   *
   * Read at start when it exists; a file that cannot be read or is not a state file makes
   * {@link startEmulator} reject with an `EmulatorStateError` naming it, leaving it untouched.
   * Written at start and after every request that changed something, before the response
   * is sent, atomically (temp file in the same folder, then rename) with mode 0600; the
   * folder is created when missing. One emulator per file at a time.
   *
   * Not kept: stats counters, injected faults and consent pages awaiting a click. Options
   * (lifetimes, limits) come from this call, not the file; the start-up client's secret
   * is the one given here.
   */
  statePath?: string;
  /** Interface to bind; defaults to `127.0.0.1` (loopback only). */
  host?: string;
  /** Client id of the client registered at start-up. */
  clientId?: string;
  /** Client secret of the client registered at start-up. */
  clientSecret?: string;
  /** Access-token lifetime in seconds; Zoho's is 3600. */
  accessTokenTtlS?: number;
  /** Grant-code lifetime in seconds; Zoho CRM documents 3 minutes. */
  grantCodeTtlS?: number;
  /** Most access tokens one refresh token may mint per window; Zoho's is 10 per 10 minutes. */
  refreshLimit?: { count: number; windowMs: number };
  /** Most live access tokens per refresh token; minting one more invalidates the oldest. */
  maxActiveAccessTokens?: number;
  /** When true, `GET /oauth/v2/auth` redirects at once instead of showing the consent page. */
  autoApprove?: boolean;
  /** When true, token responses carry `expires_in` in milliseconds plus `expires_in_sec`. */
  legacyExpiry?: boolean;
  /** The user who signs in on the consent page and owns client-credentials tokens. */
  defaultUser?: string;
}

/** Options with every default applied. */
export interface ResolvedOptions {
  /** Undefined when the caller left it out (then the state file's port is preferred). */
  port: number | undefined;
  portFallback: boolean;
  /** Absolute. */
  statePath: string | undefined;
  host: string;
  clientId: string;
  clientSecret: string;
  accessTokenTtlS: number;
  grantCodeTtlS: number;
  refreshLimit: { count: number; windowMs: number };
  maxActiveAccessTokens: number;
  maxRefreshTokensPerUser: number;
  autoApprove: boolean;
  legacyExpiry: boolean;
  defaultUser: string;
}

/** `1000.` plus 30 upper-case alphanumerics, the shape of a real Zoho client id. */
export const DEFAULT_CLIENT_ID = '1000.EMULATORCLIENT0000000000000000';
/** 42 hex characters, the shape of a real Zoho client secret. */
export const DEFAULT_CLIENT_SECRET = 'e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0';
export const DEFAULT_USER = 'emulator.user@example.com';

/** Applies defaults and rejects values the emulator cannot work with. */
export function resolveOptions(options: EmulatorOptions = {}): ResolvedOptions {
  const resolved: ResolvedOptions = {
    port: options.port,
    portFallback: options.portFallback ?? false,
    statePath: resolveStatePath(options.statePath),
    host: options.host ?? '127.0.0.1',
    clientId: options.clientId ?? DEFAULT_CLIENT_ID,
    clientSecret: options.clientSecret ?? DEFAULT_CLIENT_SECRET,
    accessTokenTtlS: options.accessTokenTtlS ?? 3600,
    grantCodeTtlS: options.grantCodeTtlS ?? 180,
    refreshLimit: options.refreshLimit ?? { count: 10, windowMs: 10 * 60_000 },
    maxActiveAccessTokens: options.maxActiveAccessTokens ?? 15,
    // Zoho keeps 20 refresh tokens per user and client; the 21st evicts the oldest.
    maxRefreshTokensPerUser: 20,
    autoApprove: options.autoApprove ?? false,
    legacyExpiry: options.legacyExpiry ?? false,
    defaultUser: (options.defaultUser ?? DEFAULT_USER).trim().toLowerCase(),
  };
  validate(resolved);
  return resolved;
}

function validate(o: ResolvedOptions): void {
  if (o.port !== undefined && (!Number.isInteger(o.port) || o.port < 0 || o.port > 65_535)) {
    throw new RangeError('port must be an integer from 0 to 65535');
  }
  requirePositive('accessTokenTtlS', o.accessTokenTtlS);
  requirePositive('grantCodeTtlS', o.grantCodeTtlS);
  requirePositive('refreshLimit.count', o.refreshLimit.count);
  requirePositive('refreshLimit.windowMs', o.refreshLimit.windowMs);
  requirePositive('maxActiveAccessTokens', o.maxActiveAccessTokens);
  if (o.clientId === '' || o.clientSecret === '') {
    throw new TypeError('clientId and clientSecret must not be empty');
  }
  if (!o.defaultUser.includes('@')) {
    throw new TypeError('defaultUser must be an email address');
  }
}

function resolveStatePath(path: string | undefined): string | undefined {
  if (path === undefined) return undefined;
  if (path.trim() === '') throw new TypeError('statePath must not be empty');
  return resolve(path);
}

function requirePositive(name: string, value: number): void {
  if (!Number.isFinite(value) || value <= 0) {
    throw new RangeError(`${name} must be a positive number`);
  }
}

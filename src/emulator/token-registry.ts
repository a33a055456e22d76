import type { EmulatorClock } from './clock.js';
import { newZohoToken } from './ids.js';

/** A grant code waiting to be exchanged. */
export interface GrantCode {
  code: string;
  clientId: string;
  userEmail: string;
  scopes: string[];
  expiresAtMs: number;
  /** The URI used at `/oauth/v2/auth`; undefined for self-client codes, which need none. */
  redirectUri: string | undefined;
  /** Whether the exchange yields a refresh token (offline access, first consent). */
  issuesRefreshToken: boolean;
  codeChallenge: string | undefined;
  codeChallengeMethod: string | undefined;
}

export interface RefreshTokenRecord {
  token: string;
  clientId: string;
  userEmail: string;
  scopes: string[];
  /** Live access tokens minted from this refresh token, oldest first. */
  accessTokens: string[];
  windowStartMs: number | undefined;
  windowCount: number;
}

export interface AccessTokenRecord {
  token: string;
  clientId: string;
  userEmail: string;
  scopes: string[];
  expiresAtMs: number;
  refreshToken: string | undefined;
}

export interface TokenLimits {
  accessTokenTtlMs: number;
  maxActiveAccessTokens: number;
  maxRefreshTokensPerUser: number;
  refreshLimit: { count: number; windowMs: number };
}

/** Who consented to which client, as saved in a state file. */
export interface ConsentRecord {
  clientId: string;
  userEmail: string;
}

/**
 * Everything the registry holds, as saved in a state file. Expired codes and access tokens
 * are left out; revoked and used ones are already gone, so they stay unknown after a restore.
 */
export interface TokenRegistrySnapshot {
  grantCodes: GrantCode[];
  consents: ConsentRecord[];
  /** In issue order, which is also each user's eviction order. */
  refreshTokens: RefreshTokenRecord[];
  accessTokens: AccessTokenRecord[];
}

export type NewGrantCode = Omit<GrantCode, 'code' | 'expiresAtMs'> & { ttlMs: number };
export type NewAccessToken = Pick<AccessTokenRecord, 'clientId' | 'userEmail' | 'scopes'>;

/** Every grant code, refresh token and access token the emulator has issued, with Zoho's limits. */
export class TokenRegistry {
  readonly #codes = new Map<string, GrantCode>();
  readonly #refreshTokens = new Map<string, RefreshTokenRecord>();
  readonly #accessTokens = new Map<string, AccessTokenRecord>();
  /** Refresh tokens per client and user, oldest first, for the per-user cap. */
  readonly #refreshTokensByUser = new Map<string, string[]>();
  readonly #consents = new Map<string, ConsentRecord>();
  readonly #clock: EmulatorClock;
  readonly #limits: TokenLimits;
  readonly #onChange: () => void;

  /**
   * `snapshot` restores what an earlier run saved; `onChange` hears every change worth
   * saving (dropping an expired token on lookup is not one: snapshots leave those out).
   */
  constructor(
    clock: EmulatorClock,
    limits: TokenLimits,
    snapshot?: TokenRegistrySnapshot,
    onChange: () => void = () => {},
  ) {
    this.#clock = clock;
    this.#limits = limits;
    this.#onChange = onChange;
    if (snapshot) this.#restore(snapshot);
  }

  /** The live records, for serialising at once; callers must not change them. */
  snapshot(): TokenRegistrySnapshot {
    const now = this.#clock.now();
    const accessTokens = [...this.#accessTokens.values()].filter((t) => now < t.expiresAtMs);
    const live = new Set(accessTokens.map((t) => t.token));
    return {
      grantCodes: [...this.#codes.values()].filter((c) => now < c.expiresAtMs),
      consents: [...this.#consents.values()],
      refreshTokens: [...this.#refreshTokens.values()].map((r) => ({
        ...r,
        accessTokens: r.accessTokens.filter((t) => live.has(t)),
      })),
      accessTokens,
    };
  }

  addGrantCode(input: NewGrantCode): GrantCode {
    const { ttlMs, ...rest } = input;
    const code: GrantCode = {
      ...rest,
      code: newZohoToken(),
      expiresAtMs: this.#clock.now() + ttlMs,
    };
    this.#codes.set(code.code, code);
    this.#onChange();
    return code;
  }

  /** The code if it exists and has not expired; used codes are gone (single use). */
  findGrantCode(code: string): GrantCode | undefined {
    const found = this.#codes.get(code);
    if (!found) return undefined;
    if (this.#clock.now() < found.expiresAtMs) return found;

    this.#codes.delete(code);
    return undefined;
  }

  consumeGrantCode(code: string): void {
    if (this.#codes.delete(code)) this.#onChange();
  }

  /** Records consent and says whether it was the first for this user and client. */
  recordConsent(clientId: string, userEmail: string): boolean {
    const key = userKey(clientId, userEmail);
    if (this.#consents.has(key)) return false;

    this.#consents.set(key, { clientId, userEmail });
    this.#onChange();
    return true;
  }

  /**
   * Issues a refresh token; the user's oldest one beyond Zoho's cap is revoked with its access
   * tokens.
   */
  issueRefreshToken(input: NewAccessToken): RefreshTokenRecord {
    const record: RefreshTokenRecord = {
      token: newZohoToken(),
      clientId: input.clientId,
      userEmail: input.userEmail,
      scopes: [...input.scopes],
      accessTokens: [],
      windowStartMs: undefined,
      windowCount: 0,
    };
    this.#refreshTokens.set(record.token, record);

    const key = userKey(input.clientId, input.userEmail);
    const owned = [...(this.#refreshTokensByUser.get(key) ?? []), record.token];
    this.#refreshTokensByUser.set(key, owned);
    while (owned.length > this.#limits.maxRefreshTokensPerUser) {
      const oldest = owned[0];
      if (oldest !== undefined) this.revoke(oldest);
    }
    this.#onChange();
    return record;
  }

  findRefreshToken(token: string): RefreshTokenRecord | undefined {
    return this.#refreshTokens.get(token);
  }

  /**
   * Counts one refresh against the refresh token's window. Zoho allows a fixed number of
   * access tokens per refresh token per window and blocks the rest of that window.
   */
  takeRefreshQuota(record: RefreshTokenRecord): boolean {
    const now = this.#clock.now();
    const { count, windowMs } = this.#limits.refreshLimit;
    if (record.windowStartMs === undefined || now >= record.windowStartMs + windowMs) {
      record.windowStartMs = now;
      record.windowCount = 0;
    }
    if (record.windowCount >= count) return false;

    record.windowCount += 1;
    this.#onChange();
    return true;
  }

  /** Issues an access token; past the per-refresh-token cap the oldest live one is invalidated. */
  issueAccessToken(input: NewAccessToken, refresh?: RefreshTokenRecord): AccessTokenRecord {
    const record: AccessTokenRecord = {
      token: newZohoToken(),
      clientId: input.clientId,
      userEmail: input.userEmail,
      scopes: [...input.scopes],
      expiresAtMs: this.#clock.now() + this.#limits.accessTokenTtlMs,
      refreshToken: refresh?.token,
    };
    this.#accessTokens.set(record.token, record);
    if (refresh) this.#attach(refresh, record.token);
    this.#onChange();
    return record;
  }

  /** The access token if it is live: known, not revoked, evicted or expired. */
  findAccessToken(token: string): AccessTokenRecord | undefined {
    const found = this.#accessTokens.get(token);
    if (!found) return undefined;
    if (this.#clock.now() < found.expiresAtMs) return found;

    this.#dropAccessToken(token);
    return undefined;
  }

  /** Revokes a refresh token (and every access token it minted) or a single access token. */
  revoke(token: string): 'refresh_token' | 'access_token' | undefined {
    const refresh = this.#refreshTokens.get(token);
    if (refresh) {
      this.#revokeRefreshToken(refresh);
      this.#onChange();
      return 'refresh_token';
    }
    if (!this.findAccessToken(token)) return undefined;

    this.#dropAccessToken(token);
    this.#onChange();
    return 'access_token';
  }

  /** Invalidates every access token issued so far; returns how many were live. */
  expireAllAccessTokens(): number {
    const now = this.#clock.now();
    const live = [...this.#accessTokens.values()].filter((t) => now < t.expiresAtMs).length;
    this.#accessTokens.clear();
    for (const refresh of this.#refreshTokens.values()) refresh.accessTokens = [];
    this.#onChange();
    return live;
  }

  liveCounts(): { accessTokens: number; refreshTokens: number } {
    const now = this.#clock.now();
    const live = [...this.#accessTokens.values()].filter((t) => now < t.expiresAtMs);
    return { accessTokens: live.length, refreshTokens: this.#refreshTokens.size };
  }

  #restore(snapshot: TokenRegistrySnapshot): void {
    for (const code of snapshot.grantCodes) this.#codes.set(code.code, { ...code });
    for (const consent of snapshot.consents) {
      this.#consents.set(userKey(consent.clientId, consent.userEmail), { ...consent });
    }
    for (const record of snapshot.refreshTokens) {
      this.#refreshTokens.set(record.token, { ...record, accessTokens: [...record.accessTokens] });
      const key = userKey(record.clientId, record.userEmail);
      this.#refreshTokensByUser.set(key, [
        ...(this.#refreshTokensByUser.get(key) ?? []),
        record.token,
      ]);
    }
    for (const record of snapshot.accessTokens) {
      this.#accessTokens.set(record.token, { ...record, scopes: [...record.scopes] });
    }
  }

  #attach(refresh: RefreshTokenRecord, accessToken: string): void {
    const now = this.#clock.now();
    refresh.accessTokens = refresh.accessTokens.filter((t) => {
      const record = this.#accessTokens.get(t);
      return record !== undefined && now < record.expiresAtMs;
    });
    refresh.accessTokens.push(accessToken);
    while (refresh.accessTokens.length > this.#limits.maxActiveAccessTokens) {
      const oldest = refresh.accessTokens.shift();
      if (oldest !== undefined) this.#accessTokens.delete(oldest);
    }
  }

  #revokeRefreshToken(refresh: RefreshTokenRecord): void {
    for (const token of refresh.accessTokens) this.#accessTokens.delete(token);
    this.#refreshTokens.delete(refresh.token);

    const key = userKey(refresh.clientId, refresh.userEmail);
    const owned = this.#refreshTokensByUser.get(key) ?? [];
    const index = owned.indexOf(refresh.token);
    if (index >= 0) owned.splice(index, 1);
  }

  #dropAccessToken(token: string): void {
    const record = this.#accessTokens.get(token);
    this.#accessTokens.delete(token);
    if (record?.refreshToken === undefined) return;

    const refresh = this.#refreshTokens.get(record.refreshToken);
    if (refresh) refresh.accessTokens = refresh.accessTokens.filter((t) => t !== token);
  }
}

function userKey(clientId: string, userEmail: string): string {
  return `${clientId}\n${userEmail}`;
}

import { inspect } from 'node:util';
import { maskSecret } from './mask.js';

/** The plain values of a token, as stores keep them. Absent values are `null`. */
export interface TokenFields {
  /** Decimal string assigned by the store (`"1"` upwards). */
  id: string | null;
  /** The user's name; the official SDKs fill it as `email:zgid`. */
  userSignature: string | null;
  clientId: string | null;
  clientSecret: string | null;
  refreshToken: string | null;
  accessToken: string | null;
  grantToken: string | null;
  /** When the access token expires, in epoch milliseconds. */
  expiresAt: number | null;
  redirectUrl: string | null;
  /** The CRM API domain of the token's data centre, e.g. `https://www.zohoapis.eu`. */
  apiDomain: string | null;
  /** The store's revision of this token; a save carrying an older revision is refused. */
  version: number | null;
  /** A failure every instance sharing the store must respect; `null` when healthy. */
  state: TokenState | null;
}

/**
 * Why a token must not be refreshed right now, kept in the store so that every process sees it:
 * - `needs-login`: Zoho refused the refresh token for good (revoked, or a wrong client); only a
 *   new grant code helps;
 * - `cooling-down`: transient failures (throttling, outages); no refresh before `untilMs`.
 */
export type TokenState =
  | { kind: 'needs-login'; reason: string }
  | { kind: 'cooling-down'; reason: string; untilMs: number };

/** A token's values with every secret replaced by its masked form. */
export type MaskedToken = { [K in keyof TokenFields]: TokenFields[K] | string | null };

/** What a token is made from: any subset of its fields. */
export type TokenInit = Partial<TokenFields>;

/** The fields whose values are secrets: masked whenever a token is printed or serialised. */
export const SECRET_FIELDS = ['clientSecret', 'refreshToken', 'accessToken', 'grantToken'] as const;

const FIELD_NAMES: readonly (keyof TokenFields)[] = [
  'id',
  'userSignature',
  'clientId',
  'clientSecret',
  'refreshToken',
  'accessToken',
  'grantToken',
  'expiresAt',
  'redirectUrl',
  'apiDomain',
  'version',
  'state',
];

/**
 * A Zoho OAuth token: immutable, with secrets masked in `util.inspect`, `JSON.stringify` and
 * string conversion. Empty strings are read as absent, as the official stores read them.
 *
 * @example
 * ```ts
 * const token = new OAuthToken({ clientId, clientSecret, grantToken: code });
 * console.log(token); // OAuthToken { id: null, ..., grantToken: '****', ... }
 * const refreshed = token.with({ accessToken, expiresAt: Date.now() + 3_600_000 });
 * ```
 */
export class OAuthToken implements Readonly<TokenFields> {
  readonly id: string | null;
  readonly userSignature: string | null;
  readonly clientId: string | null;
  readonly clientSecret: string | null;
  readonly refreshToken: string | null;
  readonly accessToken: string | null;
  readonly grantToken: string | null;
  readonly expiresAt: number | null;
  readonly redirectUrl: string | null;
  readonly apiDomain: string | null;
  readonly version: number | null;
  readonly state: TokenState | null;

  constructor(init: TokenInit = {}) {
    this.id = text(init.id);
    this.userSignature = text(init.userSignature);
    this.clientId = text(init.clientId);
    this.clientSecret = text(init.clientSecret);
    this.refreshToken = text(init.refreshToken);
    this.accessToken = text(init.accessToken);
    this.grantToken = text(init.grantToken);
    this.expiresAt = finite(init.expiresAt);
    this.redirectUrl = text(init.redirectUrl);
    this.apiDomain = text(init.apiDomain);
    this.version = finite(init.version);
    this.state = init.state ?? null;
    Object.freeze(this);
  }

  /** A copy with `changes` applied; `null` clears a field, `undefined` keeps it. */
  with(changes: TokenInit): OAuthToken {
    return new OAuthToken({ ...this.toFields(), ...definedOnly(changes) });
  }

  /**
   * A copy whose absent fields are taken from `stored` (how a partial token is completed).
   * The failure state is never taken: it is the verdict of whoever writes the token, so a save
   * without one (a new login, a successful refresh) clears a stored failure.
   */
  fillFrom(stored: TokenFields): OAuthToken {
    const filled: TokenInit = { state: this.state };
    for (const name of FIELD_NAMES) {
      if (name === 'state') continue;
      const own = this[name];
      (filled as Record<string, unknown>)[name] = own ?? stored[name];
    }

    return new OAuthToken(filled);
  }

  /** True when the access token is missing, its expiry unknown, or less than `skewMs` away. */
  isExpired(nowMs: number = Date.now(), skewMs = 0): boolean {
    if (this.accessToken === null || this.expiresAt === null) return true;

    return this.expiresAt - nowMs <= skewMs;
  }

  /** The raw values, secrets included. For stores; never log the result. */
  toFields(): TokenFields {
    const fields = {} as Record<string, unknown>;
    for (const name of FIELD_NAMES) fields[name] = this[name];

    return fields as unknown as TokenFields;
  }

  /** The values with every secret masked: what printing or serialising a token shows. */
  toMasked(): MaskedToken {
    const masked = this.toFields() as MaskedToken;
    for (const name of SECRET_FIELDS) masked[name] = maskSecret(this[name]);

    return masked;
  }

  toJSON(): MaskedToken {
    return this.toMasked();
  }

  toString(): string {
    return `OAuthToken(id=${this.id ?? '-'}, user=${this.userSignature ?? '-'})`;
  }

  [inspect.custom](depth: number, options: object): string {
    const body = inspect(this.toMasked(), { ...options, depth });
    return `OAuthToken ${body}`;
  }
}

function text(value: string | null | undefined): string | null {
  if (value === null || value === undefined || value === '') return null;

  return String(value);
}

function finite(value: number | null | undefined): number | null {
  if (value === null || value === undefined || !Number.isFinite(value)) return null;

  return value;
}

function definedOnly(changes: TokenInit): TokenInit {
  return Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined));
}

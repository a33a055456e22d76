import type { OAuthToken } from '../../token/oauth-token.js';
import { type MatchKey, matchKeyOf } from '../matching.js';
import { nextId, planSave } from '../save-plan.js';
import type { TokenQuery, TokenStore } from '../token-store.js';

type IndexedField = 'userSignature' | 'accessToken' | 'grantToken' | 'refreshToken';
const INDEXED_FIELDS: readonly IndexedField[] = [
  'userSignature',
  'accessToken',
  'grantToken',
  'refreshToken',
];

/** Per lookup column: value → the tokens holding it, earliest saved first. */
type Indexes = Record<IndexedField, Map<string, OAuthToken[]>>;

/**
 * Tokens kept in this process's memory, lost when it exits: for tests, scripts and short-lived
 * workers. Every lookup is one `Map` lookup (a map per lookup column), never a scan.
 */
export class MemoryStore implements TokenStore {
  readonly #byId = new Map<string, OAuthToken>();
  readonly #indexes: Indexes = {
    userSignature: new Map(),
    accessToken: new Map(),
    grantToken: new Map(),
    refreshToken: new Map(),
  };
  #maxId = 0n;

  async findToken(query: TokenQuery): Promise<OAuthToken | null> {
    return this.#lookup(matchKeyOf(query));
  }

  async findTokenById(id: string): Promise<OAuthToken | null> {
    return this.#byId.get(id) ?? null;
  }

  async saveToken(token: OAuthToken): Promise<OAuthToken> {
    const stored =
      token.id !== null ? (this.#byId.get(token.id) ?? null) : this.#lookupToken(token);
    const saved = planSave(token, stored, () => nextId(this.#maxId));

    if (stored !== null) this.#unindex(stored);
    this.#byId.set(saved.id!, saved);
    this.#index(saved);
    return saved;
  }

  async deleteToken(id: string): Promise<void> {
    const stored = this.#byId.get(id);
    if (stored === undefined) return;

    this.#unindex(stored);
    this.#byId.delete(id);
  }

  async getTokens(): Promise<OAuthToken[]> {
    return [...this.#byId.values()];
  }

  async deleteTokens(): Promise<void> {
    this.#byId.clear();
    for (const field of INDEXED_FIELDS) this.#indexes[field].clear();
  }

  #lookupToken(token: OAuthToken): OAuthToken | null {
    return this.#lookup(matchKeyOf(token));
  }

  #lookup(key: MatchKey | null): OAuthToken | null {
    if (key === null) return null;
    if (key.rule === 'user') return this.#first('userSignature', key.userSignature);
    if (key.rule === 'access-token') return this.#first('accessToken', key.accessToken);

    return (
      this.#first('grantToken', key.grantToken) ?? this.#first('refreshToken', key.refreshToken)
    );
  }

  #first(field: IndexedField, value: string | null): OAuthToken | null {
    if (value === null) return null;

    // Several rows may share a value (the official stores allow it): the first indexed wins.
    return this.#indexes[field].get(value)?.[0] ?? null;
  }

  #index(token: OAuthToken): void {
    const numericId = /^\d+$/.test(token.id!) ? BigInt(token.id!) : 0n;
    if (numericId > this.#maxId) this.#maxId = numericId;

    for (const field of INDEXED_FIELDS) {
      const value = token[field];
      if (value === null) continue;

      const holders = this.#indexes[field].get(value);
      if (holders === undefined) this.#indexes[field].set(value, [token]);
      else holders.push(token);
    }
  }

  #unindex(token: OAuthToken): void {
    for (const field of INDEXED_FIELDS) {
      const value = token[field];
      if (value === null) continue;

      const holders = this.#indexes[field].get(value) ?? [];
      const remaining = holders.filter((holder) => holder.id !== token.id);
      if (remaining.length === 0) this.#indexes[field].delete(value);
      else this.#indexes[field].set(value, remaining);
    }
  }
}

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

/**
 * Tokens kept in this process's memory, lost when it exits: for tests, scripts and short-lived
 * workers. Every lookup goes through an index (a `Map` per lookup column), never a scan.
 */
export class MemoryStore implements TokenStore {
  readonly #byId = new Map<string, OAuthToken>();
  readonly #indexes = new Map<IndexedField, Map<string, Set<string>>>(
    INDEXED_FIELDS.map((field) => [field, new Map()]),
  );
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
    for (const index of this.#indexes.values()) index.clear();
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
    const ids = this.#indexes.get(field)!.get(value);
    const first = ids?.values().next().value;
    return first === undefined ? null : this.#byId.get(first)!;
  }

  #index(token: OAuthToken): void {
    const numericId = /^\d+$/.test(token.id!) ? BigInt(token.id!) : 0n;
    if (numericId > this.#maxId) this.#maxId = numericId;

    for (const field of INDEXED_FIELDS) {
      const value = token[field];
      if (value === null) continue;

      const index = this.#indexes.get(field)!;
      const ids = index.get(value) ?? new Set<string>();
      ids.add(token.id!);
      index.set(value, ids);
    }
  }

  #unindex(token: OAuthToken): void {
    for (const field of INDEXED_FIELDS) {
      const value = token[field];
      if (value === null) continue;

      const ids = this.#indexes.get(field)!.get(value);
      ids?.delete(token.id!);
      if (ids?.size === 0) this.#indexes.get(field)!.delete(value);
    }
  }
}

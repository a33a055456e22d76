import type { OAuthToken } from '../../token/oauth-token.js';
import type { MatchKey } from '../matching.js';

type IndexedField = 'id' | 'userSignature' | 'accessToken' | 'grantToken' | 'refreshToken';
const INDEXED_FIELDS: readonly IndexedField[] = [
  'id',
  'userSignature',
  'accessToken',
  'grantToken',
  'refreshToken',
];

/**
 * The rows of a token file in file order, with a `Map` per lookup column so that every lookup
 * is O(1). Where several rows share a value (files written by other software may have them),
 * the first row in file order wins, as in the official readers.
 */
export class TokenTable {
  readonly #rows: OAuthToken[];
  readonly #indexes: Map<IndexedField, Map<string, OAuthToken>>;
  // Set once any column holds a value twice: edits then rebuild the indexes to keep file order.
  #shared = false;
  #maxId: bigint | null = null;

  constructor(rows: readonly OAuthToken[] = []) {
    this.#rows = [...rows];
    this.#indexes = new Map(INDEXED_FIELDS.map((field) => [field, new Map()]));
    this.#rebuild();
  }

  get size(): number {
    return this.#rows.length;
  }

  /** The rows in file order (a copy). */
  tokens(): OAuthToken[] {
    return [...this.#rows];
  }

  byId(id: string): OAuthToken | null {
    return this.#indexes.get('id')!.get(id) ?? null;
  }

  /** The row a lookup key matches (see `matchKeyOf`), or `null`. */
  find(key: MatchKey | null): OAuthToken | null {
    if (key === null) return null;
    if (key.rule === 'user') return this.#first('userSignature', key.userSignature);
    if (key.rule === 'access-token') return this.#first('accessToken', key.accessToken);

    return (
      this.#first('grantToken', key.grantToken) ?? this.#first('refreshToken', key.refreshToken)
    );
  }

  /** The largest all-digit id, compared as a number. */
  maxId(): bigint | null {
    return this.#maxId;
  }

  /** An independent copy to apply a batch of writes to. */
  clone(): TokenTable {
    return new TokenTable(this.#rows);
  }

  insert(token: OAuthToken): void {
    this.#rows.push(token);
    this.#add(token);
  }

  /** Puts `next` where `stored` was. */
  replace(stored: OAuthToken, next: OAuthToken): void {
    const position = this.#rows.indexOf(stored);
    if (position === -1) {
      this.insert(next);
      return;
    }

    this.#rows[position] = next;
    if (!this.#shared) {
      this.#remove(stored);
      this.#add(next);
    }
    // A shared value decides which row comes first, which only a rebuild in file order keeps.
    if (this.#shared) this.#rebuild();
  }

  /** Removes every row with this id; true when there was one. */
  delete(id: string): boolean {
    const before = this.#rows.length;
    const kept = this.#rows.filter((row) => row.id !== id);
    if (kept.length === before) return false;

    this.#rows.splice(0, before, ...kept);
    this.#rebuild();
    return true;
  }

  clear(): void {
    this.#rows.length = 0;
    this.#rebuild();
  }

  #first(field: IndexedField, value: string | null): OAuthToken | null {
    if (value === null) return null;

    return this.#indexes.get(field)!.get(value) ?? null;
  }

  #add(token: OAuthToken): void {
    for (const field of INDEXED_FIELDS) {
      const value = token[field];
      if (value === null) continue;

      const index = this.#indexes.get(field)!;
      if (index.has(value)) this.#shared = true;
      else index.set(value, token);
    }
    this.#raiseMaxId(token.id);
  }

  #remove(token: OAuthToken): void {
    for (const field of INDEXED_FIELDS) {
      const value = token[field];
      if (value !== null) this.#indexes.get(field)!.delete(value);
    }
    if (token.id !== null && this.#maxId !== null && isDigits(token.id)) {
      if (BigInt(token.id) === this.#maxId) this.#recountMaxId();
    }
  }

  #rebuild(): void {
    for (const index of this.#indexes.values()) index.clear();
    this.#shared = false;
    this.#maxId = null;
    for (const row of this.#rows) this.#add(row);
  }

  #recountMaxId(): void {
    this.#maxId = null;
    for (const row of this.#rows) this.#raiseMaxId(row.id);
  }

  #raiseMaxId(id: string | null): void {
    if (id === null || !isDigits(id)) return;

    const value = BigInt(id);
    if (this.#maxId === null || value > this.#maxId) this.#maxId = value;
  }
}

function isDigits(id: string): boolean {
  return /^\d+$/.test(id);
}

/**
 * Tokens in a JSON file, shared safely by several processes.
 *
 * What it shows:
 * - the library's helpers do the rules for you: `matchKeyOf` + `findMatch` pick the row,
 *   `planSave` merges, checks the version and assigns the id;
 * - every call reads the file, so a token another process saved is seen at once;
 * - every write is read-modify-write under a lock (one writer at a time in this process, and a
 *   lock file between processes), written to a temporary file and renamed over the old one, so
 *   a crash never leaves half a file; the file is readable by its owner only;
 * - failures reject with a `ZohoTokensError` carrying the file system's error as `cause`.
 *
 * The file holds an array of rows named like the official table's columns.
 */
// In your project: import { ... } from 'zoho-tokens'; (and npm install proper-lockfile)
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import lockfile from 'proper-lockfile';
// In your project: from 'zoho-tokens/conformance'.
import type { RawRow, VerifyOptions } from '../src/conformance/index.js';
import {
  findMatch,
  formatExpiry,
  matchKeyOf,
  nextId,
  OAuthToken,
  parseExpiry,
  planSave,
  type TokenQuery,
  type TokenState,
  type TokenStore,
  ZohoTokensError,
} from '../src/index.js';

/** A token as the file holds it. */
export interface JsonRow {
  id: string;
  user_name: string | null;
  client_id: string | null;
  client_secret: string | null;
  refresh_token: string | null;
  access_token: string | null;
  grant_token: string | null;
  /** Epoch milliseconds as decimal text, the official form. */
  expiry_time: string | null;
  redirect_url: string | null;
  api_domain: string | null;
  version: number | null;
  /** Why the token must not be refreshed now (needs a new login, cooling down), or null. */
  state?: TokenState | null;
}

export class JsonFileStore implements TokenStore {
  readonly path: string;
  #writes: Promise<unknown> = Promise.resolve();

  constructor(path = 'zoho-tokens.json') {
    this.path = path;
  }

  async findToken(query: TokenQuery): Promise<OAuthToken | null> {
    const key = matchKeyOf(query);
    return key === null ? null : findMatch(await this.#read(), key);
  }

  async findTokenById(id: string): Promise<OAuthToken | null> {
    return (await this.#read()).find((token) => token.id === id) ?? null;
  }

  async saveToken(token: OAuthToken): Promise<OAuthToken> {
    return this.#write((tokens) => {
      const stored = storedFor(tokens, token);
      const saved = planSave(token, stored, () => nextId(largestId(tokens)));
      return { tokens: [...tokens.filter((each) => each !== stored), saved], result: saved };
    });
  }

  async deleteToken(id: string): Promise<void> {
    await this.#write((tokens) => ({
      tokens: tokens.filter((token) => token.id !== id),
      result: undefined,
    }));
  }

  async getTokens(): Promise<OAuthToken[]> {
    return this.#read();
  }

  async deleteTokens(): Promise<void> {
    await this.#write(() => ({ tokens: [], result: undefined }));
  }

  /** Waits for the writes already started. */
  async close(): Promise<void> {
    await this.#writes;
  }

  async #read(): Promise<OAuthToken[]> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw new ZohoTokensError('ERR_STORE_UNAVAILABLE', `cannot read ${this.path}`, {
        cause: error,
      });
    }

    try {
      return (JSON.parse(text) as JsonRow[]).map(tokenOf);
    } catch (error) {
      throw new ZohoTokensError('ERR_STORE_CORRUPT', `${this.path} is not a token file`, {
        cause: error,
      });
    }
  }

  /** One change at a time: queued in this process, locked against the others. */
  #write<T>(change: (tokens: OAuthToken[]) => { tokens: OAuthToken[]; result: T }): Promise<T> {
    const run = this.#writes.then(() => this.#locked(change));
    // The queue only orders the writes; each caller still gets its own rejection.
    this.#writes = run.catch(() => undefined);
    return run;
  }

  async #locked<T>(
    change: (tokens: OAuthToken[]) => { tokens: OAuthToken[]; result: T },
  ): Promise<T> {
    let release: (() => Promise<void>) | undefined;
    try {
      release = await lockfile.lock(this.path, {
        realpath: false,
        retries: { retries: 100, minTimeout: 5, maxTimeout: 100 },
      });
      const { tokens, result } = change(await this.#read());
      const temporary = `${this.path}.${process.pid}.tmp`;
      await writeFile(temporary, JSON.stringify(tokens.map(rowOf), null, 2), { mode: 0o600 });
      await rename(temporary, this.path);
      return result;
    } catch (error) {
      if (error instanceof ZohoTokensError) throw error;
      throw new ZohoTokensError('ERR_STORE_UNAVAILABLE', `cannot write ${this.path}`, {
        cause: error,
      });
    } finally {
      await release?.();
    }
  }
}

/** The token a save updates: the one with its id, else the one the matching rules pick. */
function storedFor(tokens: OAuthToken[], token: OAuthToken): OAuthToken | null {
  if (token.id !== null) return tokens.find((each) => each.id === token.id) ?? null;

  const key = matchKeyOf(token);
  return key === null ? null : findMatch(tokens, key);
}

/** The largest id as a number (never compared as text), or `null` for an empty file. */
function largestId(tokens: OAuthToken[]): number | null {
  const ids = tokens.map((token) => Number(token.id));
  return ids.length === 0 ? null : Math.max(...ids);
}

/**
 * Hooks for the conformance kit; `zoho-tokens verify-store examples/json-file-store.ts` reads
 * this export. With them the kit also checks what a second store object on the same file sees,
 * what the file really holds, and that an unreadable file makes every method reject.
 */
export const conformanceOptions: VerifyOptions = {
  capabilities: { compareAndSave: true, close: true },
  reopen: (store) => new JsonFileStore(pathOf(store)),
  // The outage: the file becomes a folder, which no read or rename gets past.
  breakStore: async (store) => {
    await rm(pathOf(store), { force: true });
    await mkdir(pathOf(store));
  },
  rawRead: async (store) => {
    if (!existsSync(pathOf(store))) return [];
    return JSON.parse(await readFile(pathOf(store), 'utf8')) as RawRow[];
  },
  cleanup: async (store) => {
    await store.close?.();
    await rm(pathOf(store), { recursive: true, force: true });
  },
};

function pathOf(store: TokenStore): string {
  return (store as JsonFileStore).path;
}

function rowOf(token: OAuthToken): JsonRow {
  return {
    id: token.id!,
    user_name: token.userSignature,
    client_id: token.clientId,
    client_secret: token.clientSecret,
    refresh_token: token.refreshToken,
    access_token: token.accessToken,
    grant_token: token.grantToken,
    expiry_time: formatExpiry(token.expiresAt),
    redirect_url: token.redirectUrl,
    api_domain: token.apiDomain,
    version: token.version,
    state: token.state,
  };
}

function tokenOf(row: JsonRow): OAuthToken {
  return new OAuthToken({
    id: row.id,
    userSignature: row.user_name,
    clientId: row.client_id,
    clientSecret: row.client_secret,
    refreshToken: row.refresh_token,
    accessToken: row.access_token,
    grantToken: row.grant_token,
    expiresAt: parseExpiry(row.expiry_time),
    redirectUrl: row.redirect_url,
    apiDomain: row.api_domain,
    version: row.version ?? 0,
    state: row.state ?? null,
  });
}

import { type Stats, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ZohoTokensError } from '../../errors.js';
import { type Logger, silentLogger } from '../../logger.js';
import type { OAuthToken } from '../../token/oauth-token.js';
import { matchKeyOf } from '../matching.js';
import { nextId, planSave } from '../save-plan.js';
import type { Lease, LeaseOptions, TokenQuery, TokenStore } from '../token-store.js';
import { formatTokenFile, parseTokenFile, type TokenFile } from './file-csv.js';
import { acquireFileLease } from './file-lease.js';
import { type HeldLock, withFileLock } from './file-lock.js';
import { replaceFile } from './file-replace.js';
import {
  type FileIdentity,
  isRacy,
  isSameFile,
  MISSING,
  RACY_MARGIN_MS,
  readWithIdentity,
} from './file-snapshot.js';
import { TokenTable } from './file-table.js';

/** Options of {@link FileStore}. */
export interface FileStoreOptions {
  /** The token file, e.g. `sdk_tokens.csv`; its folder must exist. */
  path: string;
  /** How long a write waits for another process's write. Default 10000. */
  lockWaitMs?: number;
  /** After how long a write lock left by a crashed process is broken. Default 10000. */
  staleLockMs?: number;
  logger?: Logger;
}

/** One version of the file as this process last read or wrote it. */
interface Snapshot {
  identity: FileIdentity;
  /** The file may still change without its identity changing: read it again before use. */
  racy: boolean;
  bytes: Buffer | null;
  table: TokenTable | null;
  error: ZohoTokensError | null;
}

/** A snapshot of a file that parsed. */
type ReadySnapshot = Snapshot & { table: TokenTable };

type Write =
  | { kind: 'save'; token: OAuthToken }
  | { kind: 'delete'; id: string }
  | { kind: 'delete-all' };

interface PendingWrite {
  write: Write;
  resolve(token: OAuthToken | null): void;
  reject(error: unknown): void;
}

// A reader may meet a file that the official SDK is rewriting in place; it tries again for a
// moment before calling the file corrupt.
const TORN_READ_RETRIES = 5;
const TORN_READ_DELAY_MS = RACY_MARGIN_MS / TORN_READ_RETRIES;
// How often a write starts over when a writer that takes no lock replaced the file meanwhile.
const REPLACED_RETRIES = 3;

/**
 * Tokens in a CSV file in the format of the official Zoho SDKs' `FileStore`: it reads files
 * written by the TypeScript and the Python SDK (and the legacy nine-column form) and writes the
 * TypeScript variant, which both SDKs read. Unlike theirs, it
 * - replaces the file atomically (temporary file, fsync, rename) with mode 0600, under a
 *   cross-process lock, re-reading it first when another process changed it;
 * - looks tokens up in O(1) from in-memory indexes, checking the file's identity with one
 *   `stat` per call and re-reading it when another process (or the official SDK) wrote it;
 * - refuses a torn or garbled file with `ERR_STORE_CORRUPT` and never overwrites it;
 * - refuses to write a file this process may not write (chmod 444, another user's file) with
 *   `ERR_STORE_UNAVAILABLE`, though a rename in a writable folder could replace it;
 * - offers cross-process leases (`acquireLease`) as lock files next to the token file.
 *
 * Writes issued together in one process share one lock and one file replace.
 *
 * Limits: the lock and the leases work between processes of one machine, or on a shared
 * folder whose file system keeps `mkdir` and O_EXCL atomic and whose clients' clocks agree.
 *
 * @example
 * ```ts
 * const store = new FileStore({ path: 'sdk_tokens.csv' });
 * const token = await store.findToken({ userSignature: 'ada@example.com:7000001' });
 * ```
 */
export class FileStore implements TokenStore {
  /** The absolute path of the token file. */
  readonly path: string;
  readonly #lockWaitMs: number;
  readonly #staleLockMs: number;
  readonly #logger: Logger;
  #snapshot: Snapshot | null = null;
  #pending: PendingWrite[] = [];
  #flushing: Promise<void> | null = null;

  constructor(options: FileStoreOptions | string) {
    const settings = typeof options === 'string' ? { path: options } : options;
    this.path = resolve(settings.path);
    this.#lockWaitMs = settings.lockWaitMs ?? 10_000;
    this.#staleLockMs = settings.staleLockMs ?? 10_000;
    this.#logger = settings.logger ?? silentLogger;
    assertFolder(this.path);
  }

  async findToken(query: TokenQuery): Promise<OAuthToken | null> {
    const current = this.#current();
    return (current instanceof Promise ? await current : current).table.find(matchKeyOf(query));
  }

  async findTokenById(id: string): Promise<OAuthToken | null> {
    const current = this.#current();
    return (current instanceof Promise ? await current : current).table.byId(id);
  }

  async saveToken(token: OAuthToken): Promise<OAuthToken> {
    const saved = await this.#enqueue({ kind: 'save', token });
    return saved!;
  }

  async deleteToken(id: string): Promise<void> {
    await this.#enqueue({ kind: 'delete', id });
  }

  async getTokens(): Promise<OAuthToken[]> {
    return (await this.#current()).table.tokens();
  }

  async deleteTokens(): Promise<void> {
    await this.#enqueue({ kind: 'delete-all' });
  }

  /**
   * Takes the lease named `key`, a lock file next to the token file; `null` when another holder
   * kept it for all of `waitMs`. A holder that dies keeps it until `ttlMs` has passed.
   */
  async acquireLease(key: string, options: LeaseOptions): Promise<Lease | null> {
    return acquireFileLease(this.path, key, options);
  }

  /** Waits for the writes already issued. */
  async close(): Promise<void> {
    await this.#flushing;
  }

  /**
   * The file as it is now. The usual case costs one `stat`; the file is read again only when it
   * changed. A promise only when a torn read must be retried.
   */
  #current(): ReadySnapshot | Promise<ReadySnapshot> {
    const snapshot = this.#snapshot;
    if (snapshot !== null && !snapshot.racy && isSameFile(snapshot.identity, this.#stat())) {
      if (snapshot.error !== null) throw snapshot.error;
      return snapshot as ReadySnapshot;
    }

    const loaded = this.#load();
    if (loaded.table !== null) return loaded as ReadySnapshot;
    if (!loaded.racy) throw loaded.error;
    return this.#retryTornRead();
  }

  async #retryTornRead(): Promise<ReadySnapshot> {
    for (let attempt = 1; ; attempt++) {
      await sleep(TORN_READ_DELAY_MS);
      const loaded = this.#load();
      if (loaded.table !== null) return loaded as ReadySnapshot;
      if (!loaded.racy || attempt >= TORN_READ_RETRIES) throw loaded.error;
    }
  }

  #stat(): Stats | undefined {
    try {
      return statSync(this.path, { throwIfNoEntry: false });
    } catch (error) {
      throw unavailable(`cannot read token file ${this.path}`, error);
    }
  }

  #load(): Snapshot {
    const previous = this.#snapshot;
    const read = this.#read();
    const readAtMs = Date.now();
    const identity = read?.identity ?? MISSING;
    const bytes = read?.bytes ?? null;

    let snapshot: Snapshot;
    if (bytes === null) {
      snapshot = { identity, racy: false, bytes, table: new TokenTable(), error: null };
    } else if (previous?.bytes?.equals(bytes)) {
      snapshot = { ...previous, identity, racy: isRacy(identity, readAtMs) };
    } else {
      snapshot = { ...this.#parse(bytes), identity, racy: isRacy(identity, readAtMs) };
      this.#logger.debug('token file read', { path: this.path, tokens: snapshot.table?.size });
    }

    this.#snapshot = snapshot;
    return snapshot;
  }

  #read(): { identity: FileIdentity; bytes: Buffer } | null {
    try {
      return readWithIdentity(this.path);
    } catch (error) {
      throw unavailable(`cannot read token file ${this.path}`, error);
    }
  }

  /** Parses a version of the file this process has not read before (so warns once per version). */
  #parse(bytes: Buffer): Pick<Snapshot, 'bytes' | 'table' | 'error'> {
    let file: TokenFile;
    try {
      file = parseTokenFile(bytes, this.path);
    } catch (error) {
      if (!(error instanceof ZohoTokensError)) throw error;
      return { bytes, table: null, error };
    }

    if (file.unreadable.length > 0) {
      this.#logger.warn('token file has values that read as absent', {
        path: this.path,
        values: file.unreadable.map(
          ({ line, column, name }) => `line ${line} column ${column} (${name})`,
        ),
      });
    }
    return { bytes, table: new TokenTable(file.tokens), error: null };
  }

  #enqueue(write: Write): Promise<OAuthToken | null> {
    return new Promise((resolve, reject) => {
      this.#pending.push({ write, resolve, reject });
      this.#flushing ??= this.#flush();
    });
  }

  /** Writes queued while a write runs go out together in the next one. */
  async #flush(): Promise<void> {
    try {
      while (this.#pending.length > 0) {
        const batch = this.#pending.splice(0);
        await this.#writeBatch(batch).catch((error: unknown) => {
          for (const pending of batch) pending.reject(error);
        });
      }
    } finally {
      this.#flushing = null;
    }
  }

  async #writeBatch(batch: PendingWrite[]): Promise<void> {
    const lockOptions = {
      waitMs: this.#lockWaitMs,
      staleMs: this.#staleLockMs,
      onReleaseError: (error: unknown) =>
        this.#logger.warn('token file lock not removed', { path: this.path, error: String(error) }),
    };
    const settle = await withFileLock(this.path, lockOptions, (held) => this.#apply(batch, held));

    settle.forEach((outcome, index) => {
      const pending = batch[index]!;
      if (outcome.error === undefined) pending.resolve(outcome.token);
      else pending.reject(outcome.error);
    });
  }

  /** Under the lock: applies the batch to the file as it is now, and writes the result. */
  async #apply(batch: PendingWrite[], held: HeldLock): Promise<Outcome[]> {
    for (let attempt = 1; ; attempt++) {
      const current = await this.#current();
      const work = current.table.clone();
      const outcomes = batch.map((pending) => applyWrite(work, pending.write));
      if (!outcomes.some((outcome) => outcome.changed)) return outcomes;
      if (await this.#commit(work, current.identity, held)) return outcomes;

      if (attempt >= REPLACED_RETRIES) {
        throw new ZohoTokensError(
          'ERR_STORE_CONFLICT',
          `token file ${this.path} kept changing while it was written; nothing written`,
        );
      }
      this.#logger.debug('token file changed during a write; writing again', { path: this.path });
    }
  }

  /**
   * Replaces the file with `work`, unless the file is no longer the version `read` (a writer
   * that takes no lock, such as the official SDK, replaced it): then false, nothing written.
   */
  async #commit(work: TokenTable, read: FileIdentity, held: HeldLock): Promise<boolean> {
    const text = formatTokenFile(work.tokens());
    if (held.compromised) {
      throw new ZohoTokensError(
        'ERR_STORE_CONFLICT',
        `lost the lock of token file ${this.path} (held past ${this.#staleLockMs} ms); ` +
          'nothing written',
      );
    }

    let identity: FileIdentity | null;
    try {
      identity = await replaceFile(this.path, text, () => isSameFile(read, this.#stat()));
    } catch (error) {
      throw writeError(this.path, error);
    }
    if (identity === null) return false;

    const bytes = Buffer.from(text, 'utf8');
    const racy = isRacy(identity, Date.now());
    this.#snapshot = { identity, racy, bytes, table: work, error: null };
    return true;
  }
}

interface Outcome {
  changed: boolean;
  token: OAuthToken | null;
  error?: unknown;
}

/** Applies one write to the table; a refused save (a version conflict) fails alone. */
function applyWrite(table: TokenTable, write: Write): Outcome {
  if (write.kind === 'delete') return { changed: table.delete(write.id), token: null };
  if (write.kind === 'delete-all') {
    const changed = table.size > 0;
    table.clear();
    return { changed, token: null };
  }

  try {
    return { changed: true, token: saveInto(table, write.token) };
  } catch (error) {
    return { changed: false, token: null, error };
  }
}

function saveInto(table: TokenTable, token: OAuthToken): OAuthToken {
  const stored = token.id !== null ? table.byId(token.id) : table.find(matchKeyOf(token));
  let saved = planSave(token, stored, () => nextId(table.maxId()));
  // A row written by other software may lack an id; it gets one rather than stay unreachable.
  if (saved.id === null) saved = saved.with({ id: nextId(table.maxId()) });

  if (stored === null) table.insert(saved);
  else table.replace(stored, saved);
  return saved;
}

function assertFolder(path: string): void {
  const folder = dirname(path);
  let isFolder: boolean;
  try {
    isFolder = statSync(folder, { throwIfNoEntry: false })?.isDirectory() ?? false;
  } catch (error) {
    throw unavailable(`cannot reach the folder ${folder} of the token file`, error);
  }
  if (!isFolder) {
    throw new ZohoTokensError(
      'ERR_STORE_UNAVAILABLE',
      `the folder ${folder} of token file ${path} does not exist`,
    );
  }
}

function unavailable(message: string, error: unknown): ZohoTokensError {
  return new ZohoTokensError('ERR_STORE_UNAVAILABLE', message, { cause: error });
}

function writeError(path: string, error: unknown): ZohoTokensError {
  if (error instanceof ZohoTokensError) return error;

  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
    return unavailable(`cannot write token file ${path}`, error);
  }

  return new ZohoTokensError('ERR_STORE_FAILED', `writing token file ${path} failed`, {
    cause: error,
  });
}

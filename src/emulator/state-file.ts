import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { EmulatorState } from './state.js';
import {
  parseSavedState,
  type SavedState,
  StateFormatError,
  snapshotState,
} from './state-format.js';

/**
 * The emulator's state file could not be read, parsed or written. Thrown by
 * {@link startEmulator} before it listens; a file that could not be read is left untouched.
 */
export class EmulatorStateError extends Error {
  /** The state file, as an absolute path. */
  readonly path: string;

  constructor(path: string, problem: string, options?: { cause?: unknown }) {
    super(`Zoho emulator state file ${path} ${problem}`, options);
    this.name = 'EmulatorStateError';
    this.path = path;
  }
}

const LEFT_ALONE = 'The file was left unchanged: fix it, or delete it to start an empty emulator.';

/** Reads a state file; `undefined` when there is none. Anything else wrong is an error. */
export function readStateFile(path: string): SavedState | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw new EmulatorStateError(path, `cannot be read (${describe(error)}).`, { cause: error });
  }

  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new EmulatorStateError(path, `is not valid JSON (${describe(error)}). ${LEFT_ALONE}`, {
      cause: error,
    });
  }
  try {
    return parseSavedState(json);
  } catch (error) {
    if (!(error instanceof StateFormatError)) throw error;
    throw new EmulatorStateError(
      path,
      `is not an emulator state file: ${error.message}. ${LEFT_ALONE}`,
    );
  }
}

/**
 * Replaces the state file atomically: a temp file (mode 0600) in the same folder, renamed
 * over the old one, so a reader or a crash sees the old or the new file, never a mix.
 * Not fsynced: it survives the process dying, not necessarily the machine losing power.
 */
export function writeStateFile(path: string, state: SavedState): void {
  const folder = dirname(path);
  const temp = join(
    folder,
    `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`,
  );
  try {
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    writeFileSync(temp, `${JSON.stringify(state)}\n`, { mode: 0o600, flag: 'wx' });
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw new EmulatorStateError(path, `cannot be written (${describe(error)}).`, { cause: error });
  }
}

/**
 * Keeps one emulator's state file up to date. The server calls {@link saveIfChanged}
 * after every request, before the response goes out, so a client never holds a token the
 * file does not. Writes are synchronous, hence never interleaved.
 */
export class StatePersistence {
  readonly path: string;
  readonly #state: EmulatorState;
  readonly #port: number;
  #savedRevision: number | undefined;
  #closed = false;

  constructor(path: string, state: EmulatorState, port: number) {
    this.path = path;
    this.#state = state;
    this.#port = port;
  }

  /** Writes the file now, whether or not anything changed. */
  save(): void {
    if (this.#closed) return;
    const revision = this.#state.revision.value;
    writeStateFile(this.path, snapshotState(this.#state, this.#port));
    this.#savedRevision = revision;
  }

  saveIfChanged(): void {
    if (this.#state.revision.value !== this.#savedRevision) this.save();
  }

  /** Saves what is pending, then stops writing: a request still running after close is lost. */
  close(): void {
    this.saveIfChanged();
    this.#closed = true;
  }
}

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

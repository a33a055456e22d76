import type { OAuthClient } from './clients.js';
import type { CrmOrg, CrmUser, DirectorySnapshot } from './directory.js';
import type { LeadRecord } from './leads.js';
import type { EmulatorState } from './state.js';
import type {
  AccessTokenRecord,
  ConsentRecord,
  GrantCode,
  RefreshTokenRecord,
  TokenRegistrySnapshot,
} from './token-registry.js';

/** The `format` value every emulator state file carries. */
export const STATE_FORMAT = 'zoho-tokens-emulator-state';
/** The layout version this emulator reads and writes. */
export const STATE_VERSION = 1;

/** What an emulator state file holds (camelCase keys, as the emulator's own records). */
export interface SavedState {
  format: typeof STATE_FORMAT;
  version: typeof STATE_VERSION;
  /** When the file was written; for people reading it, never read back. */
  savedAt: string;
  /** The port the emulator that wrote the file listened on. */
  port: number;
  clockOffsetMs: number;
  clients: OAuthClient[];
  directory: DirectorySnapshot;
  tokens: TokenRegistrySnapshot;
}

/** A state file that parses as JSON but is not a state file this emulator can read. */
export class StateFormatError extends Error {}

/** The state worth keeping across restarts: not stats, faults or pending consent pages. */
export function snapshotState(state: EmulatorState, port: number): SavedState {
  return {
    format: STATE_FORMAT,
    version: STATE_VERSION,
    savedAt: new Date().toISOString(),
    port,
    clockOffsetMs: state.clock.offsetMs,
    clients: state.clients.list(),
    directory: state.directory.snapshot(),
    tokens: state.tokens.snapshot(),
  };
}

/**
 * Checks untrusted JSON read from a state file; throws {@link StateFormatError} naming the bad
 * field.
 */
export function parseSavedState(json: unknown): SavedState {
  const root = object(json, 'the top level');
  if (root.format !== STATE_FORMAT) {
    throw new StateFormatError(`"format" is not "${STATE_FORMAT}"`);
  }
  if (root.version !== STATE_VERSION) {
    throw new StateFormatError(
      `"version" is ${JSON.stringify(root.version)}; this emulator reads version ${STATE_VERSION}`,
    );
  }
  const port = num(root, 'port', '');
  if (!Number.isInteger(port) || port < 1 || port > 65_535) {
    throw new StateFormatError('"port" must be an integer from 1 to 65535');
  }
  const clockOffsetMs = num(root, 'clockOffsetMs', '');
  if (clockOffsetMs < 0) throw new StateFormatError('"clockOffsetMs" must not be negative');

  const directory = object(root.directory, '"directory"');
  const tokens = object(root.tokens, '"tokens"');
  const saved: SavedState = {
    format: STATE_FORMAT,
    version: STATE_VERSION,
    savedAt: typeof root.savedAt === 'string' ? root.savedAt : '',
    port,
    clockOffsetMs,
    clients: list(root, 'clients', '', readClient),
    directory: {
      users: list(directory, 'users', 'directory.', readUser),
      orgs: list(directory, 'orgs', 'directory.', readOrg),
    },
    tokens: {
      grantCodes: list(tokens, 'grantCodes', 'tokens.', readGrantCode),
      consents: list(tokens, 'consents', 'tokens.', readConsent),
      refreshTokens: list(tokens, 'refreshTokens', 'tokens.', readRefreshToken),
      accessTokens: list(tokens, 'accessTokens', 'tokens.', readAccessToken),
    },
  };
  checkUsersHaveOrgs(saved.directory);
  return saved;
}

function checkUsersHaveOrgs(directory: DirectorySnapshot): void {
  const orgIds = new Set(directory.orgs.map((o) => o.id));
  for (const user of directory.users) {
    if (!orgIds.has(user.orgId)) {
      throw new StateFormatError(
        `user ${user.email} belongs to org ${user.orgId}, which is missing`,
      );
    }
  }
}

type Obj = Record<string, unknown>;
type ItemReader<T> = (item: Obj, at: string) => T;

function readClient(o: Obj, at: string): OAuthClient {
  return {
    clientId: str(o, 'clientId', at),
    clientSecret: str(o, 'clientSecret', at),
    redirectUris: strings(o, 'redirectUris', at),
  };
}

function readUser(o: Obj, at: string): CrmUser {
  return {
    id: str(o, 'id', at),
    zuid: str(o, 'zuid', at),
    email: str(o, 'email', at),
    firstName: str(o, 'firstName', at),
    lastName: str(o, 'lastName', at),
    orgId: str(o, 'orgId', at),
  };
}

function readOrg(o: Obj, at: string): CrmOrg {
  return {
    id: str(o, 'id', at),
    zgid: str(o, 'zgid', at),
    idPrefix: str(o, 'idPrefix', at),
    companyName: str(o, 'companyName', at),
    primaryEmail: str(o, 'primaryEmail', at),
    primaryZuid: str(o, 'primaryZuid', at),
    leads: list(o, 'leads', at, readLead),
  };
}

/** Leads are free-form CRM records; only their `id` matters to the emulator. */
function readLead(o: Obj, at: string): LeadRecord {
  return { ...o, id: str(o, 'id', at) };
}

function readGrantCode(o: Obj, at: string): GrantCode {
  return {
    code: str(o, 'code', at),
    clientId: str(o, 'clientId', at),
    userEmail: str(o, 'userEmail', at),
    scopes: strings(o, 'scopes', at),
    expiresAtMs: num(o, 'expiresAtMs', at),
    redirectUri: optionalStr(o, 'redirectUri', at),
    issuesRefreshToken: bool(o, 'issuesRefreshToken', at),
    codeChallenge: optionalStr(o, 'codeChallenge', at),
    codeChallengeMethod: optionalStr(o, 'codeChallengeMethod', at),
  };
}

function readConsent(o: Obj, at: string): ConsentRecord {
  return { clientId: str(o, 'clientId', at), userEmail: str(o, 'userEmail', at) };
}

function readRefreshToken(o: Obj, at: string): RefreshTokenRecord {
  const windowCount = num(o, 'windowCount', at);
  if (!Number.isInteger(windowCount) || windowCount < 0) {
    throw new StateFormatError(`"${at}windowCount" must be a non-negative integer`);
  }
  return {
    token: str(o, 'token', at),
    clientId: str(o, 'clientId', at),
    userEmail: str(o, 'userEmail', at),
    scopes: strings(o, 'scopes', at),
    accessTokens: strings(o, 'accessTokens', at),
    windowStartMs: optionalNum(o, 'windowStartMs', at),
    windowCount,
  };
}

function readAccessToken(o: Obj, at: string): AccessTokenRecord {
  return {
    token: str(o, 'token', at),
    clientId: str(o, 'clientId', at),
    userEmail: str(o, 'userEmail', at),
    scopes: strings(o, 'scopes', at),
    expiresAtMs: num(o, 'expiresAtMs', at),
    refreshToken: optionalStr(o, 'refreshToken', at),
  };
}

function object(value: unknown, what: string): Obj {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Obj;
  throw new StateFormatError(`${what} must be a JSON object`);
}

function list<T>(o: Obj, key: string, at: string, read: ItemReader<T>): T[] {
  const value = o[key];
  if (!Array.isArray(value)) throw new StateFormatError(`"${at}${key}" must be an array`);
  return value.map((item, i) => {
    const itemAt = `${at}${key}[${i}]`;
    return read(object(item, `"${itemAt}"`), `${itemAt}.`);
  });
}

function str(o: Obj, key: string, at: string): string {
  const value = o[key];
  if (typeof value === 'string') return value;
  throw new StateFormatError(`"${at}${key}" must be a string`);
}

/** Missing or `null` reads as undefined (JSON drops undefined fields). */
function optionalStr(o: Obj, key: string, at: string): string | undefined {
  return o[key] === undefined || o[key] === null ? undefined : str(o, key, at);
}

function num(o: Obj, key: string, at: string): number {
  const value = o[key];
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  throw new StateFormatError(`"${at}${key}" must be a finite number`);
}

function optionalNum(o: Obj, key: string, at: string): number | undefined {
  return o[key] === undefined || o[key] === null ? undefined : num(o, key, at);
}

function bool(o: Obj, key: string, at: string): boolean {
  const value = o[key];
  if (typeof value === 'boolean') return value;
  throw new StateFormatError(`"${at}${key}" must be true or false`);
}

function strings(o: Obj, key: string, at: string): string[] {
  const value = o[key];
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value;
  throw new StateFormatError(`"${at}${key}" must be an array of strings`);
}

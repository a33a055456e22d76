import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { SERVERS } from './servers.js';
import type { Scratch } from './stores.js';
import { officialCsv, rowAt } from './tokens.js';

/**
 * The official `@zohocrm/typescript-sdk-8.0` stores, on the same tokens as ours: the FileStore
 * on a copy of the same CSV file, the DBStore on the same MariaDB, in a table of the schema its
 * README gives (ten `varchar` columns, the primary key, no other index). Both are CommonJS and
 * untyped here beyond what the benchmark calls.
 */
export interface OfficialStore {
  name: string;
  findByUser(user: string): Promise<unknown>;
  findById(id: string): Promise<unknown>;
  /** Saves the token with a new access token and expiry: an update, as after a refresh. */
  saveUpdate(user: string, accessToken: string): Promise<unknown>;
  close(): Promise<void>;
}

/** The few methods of the SDK's `OAuthToken` the benchmark uses. */
export interface SdkToken {
  setId(id: string): void;
  setUserSignature(user: unknown): void;
  setAccessToken(token: string): void;
  setExpiresIn(expiresAt: string): void;
  getAccessToken(): string | null;
  getToken(): Promise<string>;
}

interface SdkStore {
  findToken(token: SdkToken): Promise<SdkToken | null>;
  findTokenById(id: string): Promise<SdkToken | null>;
  saveToken(token: SdkToken): Promise<unknown>;
}

/** The SDK classes the benchmark needs, loaded from its CommonJS build. */
export interface Sdk {
  FileStore: new (path: string) => SdkStore;
  DBBuilder: new () => SdkDbBuilder;
  OAuthToken: new (...args: unknown[]) => SdkToken;
  UserSignature: new (name: string) => unknown;
  Environment: new (url: string, accountsUrl: string, fileUploadUrl: string) => unknown;
  InitializeBuilder: new () => SdkInitializeBuilder;
}

interface SdkDbBuilder {
  host(host: string): SdkDbBuilder;
  userName(user: string): SdkDbBuilder;
  password(password: string): SdkDbBuilder;
  portNumber(port: number): SdkDbBuilder;
  databaseName(name: string): SdkDbBuilder;
  tableName(name: string): SdkDbBuilder;
  build(): SdkStore;
}

export interface SdkInitializeBuilder {
  environment(environment: unknown): SdkInitializeBuilder;
  token(token: SdkToken): SdkInitializeBuilder;
  store(store: SdkStore): SdkInitializeBuilder;
  resourcePath(path: string): SdkInitializeBuilder;
  initialize(): Promise<void>;
}

const SDK_ROOT = '@zohocrm/typescript-sdk-8.0/dist';

/** Loads the official SDK's classes (CommonJS) from node_modules. */
export function loadSdk(): Sdk {
  const require = createRequire(import.meta.url);
  const load = (path: string) => require(`${SDK_ROOT}/${path}`) as Record<string, unknown>;
  return {
    FileStore: load('models/authenticator/store/file_store.js').FileStore,
    DBBuilder: load('models/authenticator/store/db_builder.js').DBBuilder,
    OAuthToken: load('models/authenticator/oauth_token.js').OAuthToken,
    UserSignature: load('routes/user_signature.js').UserSignature,
    Environment: load('routes/dc/environment.js').Environment,
    InitializeBuilder: load('routes/initialize_builder.js').InitializeBuilder,
  } as Sdk;
}

/** The official FileStore on its own copy of the file the file store starts from. */
export function officialFileStore(size: number, scratch: Scratch): OfficialStore {
  const sdk = loadSdk();
  const path = join(scratch.dir, `official-${size}.csv`);
  writeFileSync(path, officialCsv(size));

  return officialStore('official FileStore', sdk, new sdk.FileStore(path), async () => undefined);
}

/** The official DBStore (a new connection per call) on a README-schema table of the same rows. */
export async function officialDbStore(size: number, scratch: Scratch): Promise<OfficialStore> {
  const sdk = loadSdk();
  const table = `official_${size}`;
  const { createPool } = await import('mysql2/promise');
  const pool = createPool({ ...SERVERS.mysql, database: scratch.database, connectionLimit: 2 });
  await pool.query(officialTableSql(table));
  for (let from = 1; from <= size; from += 2_000) {
    const rows = [];
    for (let i = from; i <= Math.min(size, from + 1_999); i++) rows.push(rowAt(i).slice(0, 10));
    await pool.query(`INSERT INTO ${table} VALUES ?`, [rows]);
  }

  const { host, user, password, port } = SERVERS.mysql;
  const store = new sdk.DBBuilder()
    .host(host)
    .userName(user)
    .password(password)
    .portNumber(port)
    .databaseName(scratch.database)
    .tableName(table)
    .build();
  return officialStore('official DBStore', sdk, store, async () => {
    await pool.query(`DROP TABLE IF EXISTS ${table}`);
    await pool.end();
  });
}

/** The table the official README tells DBStore users to create. */
function officialTableSql(table: string): string {
  return `
    CREATE TABLE ${table} (
      id varchar(10) NOT NULL,
      user_name varchar(255),
      client_id varchar(255),
      client_secret varchar(255),
      refresh_token varchar(255),
      access_token varchar(255),
      grant_token varchar(255),
      expiry_time varchar(20),
      redirect_url varchar(255),
      api_domain varchar(255),
      PRIMARY KEY (id)
    )`;
}

function officialStore(
  name: string,
  sdk: Sdk,
  store: SdkStore,
  close: () => Promise<void>,
): OfficialStore {
  // The official stores fill in the token they are given, so every call gets a new one.
  const userToken = (user: string) => {
    const token = new sdk.OAuthToken();
    token.setUserSignature(new sdk.UserSignature(user));
    return token;
  };

  return {
    name,
    findByUser: async (user) => expectHit(await store.findToken(userToken(user)), name, user),
    findById: async (id) => expectHit(await store.findTokenById(id), name, id),
    saveUpdate: (user, accessToken) => {
      const token = userToken(user);
      token.setAccessToken(accessToken);
      token.setExpiresIn(String(Date.now() + 3_600_000));
      return store.saveToken(token);
    },
    close,
  };
}

function expectHit(token: SdkToken | null, name: string, key: string): SdkToken {
  if (token?.getAccessToken() == null) throw new Error(`${name} did not find ${key}`);
  return token;
}

/**
 * Every store of this library runs the conformance kit, each a row of one table. A store passes
 * when no check fails and exactly the checks it cannot take part in are skipped (those needing a
 * hook or capability named in `lacks`).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { parse } from 'csv-parse/sync';
import { Redis } from 'ioredis';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import {
  CONFORMANCE_CHECKS,
  type RawRow,
  type Requirement,
  type VerifyOptions,
  verifyTokenStore,
} from '../../src/conformance/index.js';
import { OFFICIAL_COLUMNS } from '../../src/store/columns.js';
import { EncryptedStore } from '../../src/store/encrypted/encrypted-store.js';
import { Keyring } from '../../src/store/encrypted/keyring.js';
import { FileStore } from '../../src/store/file/file-store.js';
import { MemoryStore } from '../../src/store/memory/memory-store.js';
import { MysqlStore } from '../../src/store/mysql/mysql-store.js';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { RedisStore } from '../../src/store/redis/redis-store.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { TokenStore } from '../../src/store/token-store.js';
import { describeWithService, SERVICES, type ServiceName } from '../support/services.js';
import { OutageProxy } from './outage-proxy.js';

interface StoreEntry {
  name: string;
  /** The real server the store needs, if any. */
  service?: ServiceName;
  /** What the store cannot offer here: exactly the checks needing these are skipped. */
  lacks: Requirement[];
  createStore: () => TokenStore | Promise<TokenStore>;
  options: VerifyOptions;
}

const folder = mkdtempSync(join(tmpdir(), 'zoho-tokens-conformance-'));
const unique = `zt_conformance_${process.pid}`;
let checks = 0;
const numbers = new WeakMap<TokenStore, number>();
const proxies = new WeakMap<TokenStore, OutageProxy>();
const finalizers: (() => Promise<unknown>)[] = [];

afterAll(async () => {
  for (const finalize of finalizers) await finalize();
  rmSync(folder, { recursive: true, force: true });
});

/** Every check's store gets a number: its own file, table or key prefix. */
function numbered<T extends TokenStore>(store: T, number = ++checks): T {
  numbers.set(store, number);
  return store;
}

function numberOf(store: TokenStore): number {
  return numbers.get(store)!;
}

// --- SQLite and file stores: a file per check, read back through another handle -------------

function sqliteFile(store: TokenStore): string {
  return (store as SqliteStore).db.name;
}

function readSqlite(path: string): RawRow[] {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare('SELECT * FROM oauthtoken').all() as RawRow[];
  } finally {
    db.close();
  }
}

/** The CSV as any reader sees it: columns by position, an empty field is no value. */
function readCsv(path: string): RawRow[] {
  if (!existsSync(path)) return [];

  const [, ...records] = parse(readFileSync(path), { relax_column_count: true }) as string[][];
  return records.map((record) =>
    Object.fromEntries(OFFICIAL_COLUMNS.map((name, at) => [name, record[at] || null])),
  );
}

/** The file store's outage: its file turns into a folder, which no read or rename gets past. */
function replaceWithFolder(path: string): void {
  rmSync(path, { force: true });
  mkdirSync(path);
}

const keyring = Keyring.parse(`k1:${randomBytes(32).toString('base64')}`);

// --- Network stores: a table or prefix per check, behind a relay the outage cuts -------------

async function throughProxy<T extends TokenStore>(
  service: ServiceName,
  open: (port: number) => T,
): Promise<T> {
  const proxy = await OutageProxy.start(SERVICES[service].port);
  const store = open(proxy.port);
  proxies.set(store, proxy);
  return store;
}

function networkOptions(
  open: (port: number, number: number) => TokenStore,
  rawRead: (number: number) => Promise<RawRow[]>,
): VerifyOptions {
  return {
    capabilities: { compareAndSave: true, leases: true, close: true },
    reopen: (store) => {
      const proxy = proxies.get(store)!;
      const reopened = numbered(open(proxy.port, numberOf(store)), numberOf(store));
      proxies.set(reopened, proxy);
      return reopened;
    },
    breakStore: (store) => proxies.get(store)!.cut(),
    rawRead: (store) => rawRead(numberOf(store)),
    cleanup: async (store) => {
      await store.close?.();
      await proxies.get(store)?.cut();
    },
  };
}

function mysqlStore(port: number, number: number): MysqlStore {
  const query = `table=t${number}&connectTimeoutMs=3000&queryTimeoutMs=5000`;
  return MysqlStore.fromUrl(`mysql://root@127.0.0.1:${port}/${unique}?${query}`);
}

function postgresStore(port: number, number: number): PostgresStore {
  const query = `schema=${unique}&table=t${number}&connectTimeoutMs=3000&queryTimeoutMs=5000`;
  return PostgresStore.fromUrl(`postgres://root@127.0.0.1:${port}/test?${query}`);
}

function redisPrefix(number: number): string {
  return `${unique}-${number}`;
}

function redisStore(port: number, number: number): RedisStore {
  const url = `redis://127.0.0.1:${port}/0`;
  return new RedisStore({ url, prefix: redisPrefix(number), connectTimeoutMs: 3000 });
}

let mysqlAdmin: mysql.Connection | undefined;
async function readMysql(number: number): Promise<RawRow[]> {
  if (mysqlAdmin === undefined) {
    const url = new URL(SERVICES.mysql.url);
    mysqlAdmin = await mysql.createConnection({
      host: url.hostname,
      port: Number(url.port),
      user: 'root',
    });
    const admin = mysqlAdmin;
    finalizers.push(async () => {
      await admin.query(`DROP DATABASE IF EXISTS ${unique}`);
      await admin.end();
    });
  }
  const [rows] = await mysqlAdmin.query(`SELECT * FROM ${unique}.t${number}`);
  return rows as RawRow[];
}

let postgresAdmin: pg.Client | undefined;
async function readPostgres(number: number): Promise<RawRow[]> {
  if (postgresAdmin === undefined) {
    postgresAdmin = new pg.Client({ connectionString: SERVICES.postgres.url });
    await postgresAdmin.connect();
    const admin = postgresAdmin;
    finalizers.push(async () => {
      await admin.query(`DROP SCHEMA IF EXISTS ${unique} CASCADE`);
      await admin.end();
    });
  }
  return (await postgresAdmin.query(`SELECT * FROM ${unique}.t${number}`)).rows as RawRow[];
}

let redisAdmin: Redis | undefined;
async function redisKeys(pattern: string): Promise<string[]> {
  if (redisAdmin === undefined) {
    redisAdmin = new Redis(SERVICES.redis.url, { maxRetriesPerRequest: 1 });
    const admin = redisAdmin;
    finalizers.push(async () => {
      const keys = await redisKeys(`${unique}-*`);
      if (keys.length > 0) await admin.del(...keys);
      await admin.quit();
    });
  }
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redisAdmin.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    keys.push(...batch);
    cursor = next;
  } while (cursor !== '0');
  return keys;
}

async function readRedis(number: number): Promise<RawRow[]> {
  const keys = await redisKeys(`${redisPrefix(number)}:token:*`);
  return Promise.all(keys.map((key) => redisAdmin!.hgetall(key)));
}

// --- The table ---------------------------------------------------------------------------------

const STORES: StoreEntry[] = [
  {
    name: 'memory',
    lacks: ['reopen', 'breakStore', 'rawRead', 'leases', 'close'],
    createStore: () => new MemoryStore(),
    options: { capabilities: { compareAndSave: true } },
  },
  {
    name: 'sqlite::memory:',
    lacks: ['reopen'],
    createStore: () => new SqliteStore({ path: ':memory:' }),
    options: {
      capabilities: { compareAndSave: true, leases: true, close: true },
      breakStore: (store) => (store as SqliteStore).db.close(),
      rawRead: async (store) => {
        return (store as SqliteStore).db.prepare('SELECT * FROM oauthtoken').all() as RawRow[];
      },
    },
  },
  {
    name: 'sqlite file, reopened',
    lacks: [],
    createStore: () => new SqliteStore({ path: join(folder, `${++checks}.db`) }),
    options: {
      capabilities: { compareAndSave: true, leases: true, close: true },
      reopen: (store) => new SqliteStore({ path: sqliteFile(store) }),
      breakStore: (store) => (store as SqliteStore).db.close(),
      rawRead: async (store) => readSqlite(sqliteFile(store)),
    },
  },
  {
    name: 'file',
    lacks: [],
    createStore: () => new FileStore(join(folder, `${++checks}.csv`)),
    options: {
      capabilities: { compareAndSave: true, leases: true, close: true },
      reopen: (store) => new FileStore((store as FileStore).path),
      breakStore: (store) => replaceWithFolder((store as FileStore).path),
      rawRead: async (store) => readCsv((store as FileStore).path),
    },
  },
  {
    name: 'encrypted over sqlite file',
    // The rows hold ciphertext: a raw read could only show that the values are not there.
    lacks: ['rawRead'],
    createStore: () => {
      const inner = new SqliteStore({ path: join(folder, `${++checks}.db`) });
      return new EncryptedStore(inner, keyring);
    },
    options: {
      capabilities: { compareAndSave: true, leases: true, close: true },
      reopen: (store) => {
        const path = sqliteFile((store as EncryptedStore).inner);
        return new EncryptedStore(new SqliteStore({ path }), keyring);
      },
      breakStore: (store) => ((store as EncryptedStore).inner as SqliteStore).db.close(),
    },
  },
  {
    name: 'mysql (MariaDB)',
    service: 'mysql',
    lacks: [],
    createStore: () => throughProxy('mysql', (port) => numbered(mysqlStore(port, checks + 1))),
    options: networkOptions(mysqlStore, readMysql),
  },
  {
    name: 'postgres',
    service: 'postgres',
    lacks: [],
    createStore: () =>
      throughProxy('postgres', (port) => numbered(postgresStore(port, checks + 1))),
    options: networkOptions(postgresStore, readPostgres),
  },
  {
    name: 'redis',
    service: 'redis',
    lacks: [],
    createStore: () => throughProxy('redis', (port) => numbered(redisStore(port, checks + 1))),
    options: networkOptions(redisStore, readRedis),
  },
];

for (const entry of STORES) {
  const describeStore =
    entry.service === undefined ? describe : await describeWithService(entry.service);

  describeStore(`${entry.name} store`, () => {
    it('passes every conformance check it can take part in', { timeout: 300_000 }, async () => {
      const report = await verifyTokenStore(entry.createStore, entry.options);

      const failures = report.results
        .filter((result) => result.status === 'failed')
        .map((result) => `${result.id}: ${result.actual}`);
      expect(failures).toEqual([]);
      const skipped = report.results.filter((result) => result.status === 'skipped');
      const lacking = CONFORMANCE_CHECKS.filter((check) => entry.lacks.includes(check.requires!));
      expect(skipped.map((result) => result.id)).toEqual(lacking.map((check) => check.id));
      const cleanups = report.results.filter((result) => result.cleanupError !== undefined);
      expect(cleanups.map((result) => `${result.id}: ${result.cleanupError}`)).toEqual([]);
    });
  });
}

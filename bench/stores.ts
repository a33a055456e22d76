import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXTRA_COLUMNS, OFFICIAL_COLUMNS } from '../src/store/columns.js';
import { openStore } from '../src/store/open-store.js';
import { hashOf } from '../src/store/redis/redis-hash.js';
import type { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import type { TokenStore } from '../src/store/token-store.js';
import {
  type Floor,
  fileFloor,
  mapFloor,
  mysqlFloor,
  postgresFloor,
  redisFloor,
  sha1,
  sqliteFloor,
} from './floors.js';
import { SERVERS, type ServerName } from './servers.js';
import { officialCsv, rowAt, sampleIndexes, tokenAt, userOf } from './tokens.js';

/** Where one run keeps its data; everything here is removed by {@link dropScratch}. */
export interface Scratch {
  /** A temporary folder for SQLite databases and token files. */
  dir: string;
  /** The scratch database on MariaDB and on PostgreSQL. */
  database: string;
  /** The start of every Redis key the run writes. */
  redisPrefix: string;
  /** Servers on which the scratch database was created. */
  created: Set<ServerName>;
}

/** A store filled with tokens 1..size, with the floor under it. */
export interface LoadedStore {
  store: TokenStore;
  floor: Floor;
  /** The token file, for the file store. */
  file?: string;
  /** Closes the store and the floor and removes this size's data. */
  close(): Promise<void>;
}

/** How to make, fill and empty one kind of store. */
export interface StoreSetup {
  /** The `openStore` scheme; a setup whose scheme is not registered yet is skipped. */
  scheme: string;
  label: string;
  /** The server it needs, or `null` for an in-process store. */
  server: ServerName | null;
  sizes: { full: number[]; quick: number[] };
  open(size: number, scratch: Scratch): Promise<LoadedStore>;
}

const SMALL = [1_000, 10_000, 100_000];
const LARGE = [...SMALL, 1_000_000];
const QUICK = [1_000, 10_000];
// Rows per multi-row INSERT, tokens per Redis pipeline.
const LOAD_BATCH = 2_000;
const COLUMNS = [...OFFICIAL_COLUMNS, ...EXTRA_COLUMNS];

/** Every store of the project, in the order the report lists them. */
export const STORE_SETUPS: readonly StoreSetup[] = [
  {
    scheme: 'memory',
    label: 'memory',
    server: null,
    sizes: { full: SMALL, quick: QUICK },
    open: openMemory,
  },
  {
    scheme: 'file',
    label: 'file',
    server: null,
    sizes: { full: SMALL, quick: QUICK },
    open: openFile,
  },
  {
    scheme: 'sqlite',
    label: 'SQLite',
    server: null,
    sizes: { full: LARGE, quick: QUICK },
    open: openSqlite,
  },
  {
    scheme: 'mysql',
    label: 'MySQL (MariaDB)',
    server: 'mysql',
    sizes: { full: SMALL, quick: QUICK },
    open: openMysql,
  },
  {
    scheme: 'postgres',
    label: 'PostgreSQL',
    server: 'postgres',
    sizes: { full: LARGE, quick: QUICK },
    open: openPostgres,
  },
  {
    scheme: 'redis',
    label: 'Redis',
    server: 'redis',
    sizes: { full: LARGE, quick: QUICK },
    open: openRedis,
  },
];

/** A fresh scratch area, named after this process so that parallel runs never meet. */
export function createScratch(): Scratch {
  return {
    dir: mkdtempSync(join(tmpdir(), 'zt-bench-')),
    database: `zt_bench_${process.pid}`,
    redisPrefix: `zt-bench-${process.pid}`,
    created: new Set(),
  };
}

/** Removes the folder, the scratch databases and every Redis key of the run. */
export async function dropScratch(scratch: Scratch): Promise<void> {
  rmSync(scratch.dir, { recursive: true, force: true });
  if (scratch.created.has('mysql')) await mysqlAdmin(`DROP DATABASE IF EXISTS ${scratch.database}`);
  if (scratch.created.has('postgres')) {
    await postgresAdmin(`DROP DATABASE IF EXISTS ${scratch.database} WITH (FORCE)`);
  }
  if (scratch.created.has('redis')) await unlinkRedisKeys(`${scratch.redisPrefix}*`);
}

/**
 * The URL of store `name` of a kind in the scratch area (a file, a table, a key prefix),
 * creating the scratch database first when the server needs one.
 */
export async function scratchUrl(scheme: string, scratch: Scratch, name: string): Promise<string> {
  const { mysql, postgres, redis } = SERVERS;
  const prefix = redisPrefixOf(scratch, name);
  switch (scheme) {
    case 'memory':
      return 'memory:';
    case 'file':
      return `file:${join(scratch.dir, `${name}.csv`)}`;
    case 'sqlite':
      return `sqlite:${join(scratch.dir, `${name}.db`)}`;
    case 'mysql':
      await ensureDatabase('mysql', scratch);
      return `mysql://${mysql.user}@${mysql.host}:${mysql.port}/${scratch.database}?table=${name}`;
    case 'postgres':
      await ensureDatabase('postgres', scratch);
      return (
        `postgres://${postgres.user}@${postgres.host}:${postgres.port}/${scratch.database}` +
        `?table=${name}`
      );
    case 'redis':
      scratch.created.add('redis');
      return `redis://${redis.host}:${redis.port}/${redis.db}?prefix=${prefix}`;
    default:
      throw new Error(`no scratch location for store scheme ${scheme}`);
  }
}

async function openMemory(size: number): Promise<LoadedStore> {
  const store = await openStore('memory:');
  for (let i = 1; i <= size; i++) await store.saveToken(tokenAt(i));

  return loaded(store, mapFloor(size), size);
}

/** The file is written directly in the official TypeScript format, as a migrating user has it. */
async function openFile(size: number, scratch: Scratch): Promise<LoadedStore> {
  const path = join(scratch.dir, `tokens_${size}.csv`);
  writeFileSync(path, officialCsv(size), { mode: 0o600 });
  const store = await openStore(await scratchUrl('file', scratch, `tokens_${size}`));

  const removeData = async () => rmSync(path, { force: true });
  return { ...(await loaded(store, fileFloor(path, size), size, removeData)), file: path };
}

/** Rows go in through the store's own handle, in one transaction. */
async function openSqlite(size: number, scratch: Scratch): Promise<LoadedStore> {
  const path = join(scratch.dir, `tokens_${size}.db`);
  const store = (await openStore(
    await scratchUrl('sqlite', scratch, `tokens_${size}`),
  )) as SqliteStore;
  const placeholders = COLUMNS.map(() => '?').join(', ');
  const insert = store.db.prepare(
    `INSERT INTO ${store.table} (${COLUMNS.join(', ')}) VALUES (${placeholders})`,
  );
  store.db.transaction(() => {
    for (let i = 1; i <= size; i++) insert.run(...rowAt(i));
  })();

  return loaded(store, sqliteFloor(store.db, store.table), size, async () => {
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
  });
}

/** Multi-row INSERTs on a mysql2 pool into the table the store made. */
async function openMysql(size: number, scratch: Scratch): Promise<LoadedStore> {
  const table = `tokens_${size}`;
  const store = await openStore(await scratchUrl('mysql', scratch, table));
  await store.findTokenById('0'); // makes the store create its table and indexes

  const { createPool } = await import('mysql2/promise');
  const pool = createPool({ ...SERVERS.mysql, database: scratch.database, connectionLimit: 2 });
  try {
    for (const [from, to] of batches(size)) {
      await pool.query(`INSERT INTO ${table} (${COLUMNS.join(', ')}) VALUES ?`, [rows(from, to)]);
    }
  } finally {
    await pool.end();
  }

  return loaded(store, await mysqlFloor(scratch.database, table), size, () =>
    mysqlAdmin(`DROP TABLE IF EXISTS ${scratch.database}.${table}`),
  );
}

/** Multi-row INSERTs with numbered parameters into the table the store made. */
async function openPostgres(size: number, scratch: Scratch): Promise<LoadedStore> {
  const table = `tokens_${size}`;
  const store = await openStore(await scratchUrl('postgres', scratch, table));
  await store.findTokenById('0');

  const { default: pg } = await import('pg');
  const client = new pg.Client({ ...SERVERS.postgres, database: scratch.database });
  await client.connect();
  try {
    for (const [from, to] of batches(size)) {
      const values = rows(from, to);
      const tuples = values.map(
        (_, row) => `(${COLUMNS.map((__, col) => `$${row * COLUMNS.length + col + 1}`).join(',')})`,
      );
      await client.query(
        `INSERT INTO ${table} (${COLUMNS.join(', ')}) VALUES ${tuples.join(',')}`,
        values.flat(),
      );
    }
    await client.query(`ANALYZE ${table}`);
  } finally {
    await client.end();
  }

  return loaded(store, await postgresFloor(scratch.database, table), size, () =>
    postgresAdminIn(scratch.database, `DROP TABLE IF EXISTS ${table}`),
  );
}

/**
 * Pipelined writes in the store's key layout (see src/store/redis/redis-scripts.ts): a hash per
 * token, a set per looked-up value, the set of ids and the id counter. {@link loaded} checks
 * through the store that the layout still matches.
 */
async function openRedis(size: number, scratch: Scratch): Promise<LoadedStore> {
  const prefix = redisPrefixOf(scratch, `tokens_${size}`);
  const store = await openStore(await scratchUrl('redis', scratch, `tokens_${size}`));

  const { Redis } = await import('ioredis');
  const redis = new Redis({ ...SERVERS.redis });
  try {
    for (const [from, to] of batches(size)) {
      const pipeline = redis.pipeline();
      for (let i = from; i <= to; i++) {
        const token = tokenAt(i);
        const id = token.id!;
        pipeline.hset(`${prefix}:token:${id}`, hashOf(token));
        pipeline.sadd(`${prefix}:user:${sha1(token.userSignature!)}`, id);
        pipeline.sadd(`${prefix}:access:${sha1(token.accessToken!)}`, id);
        pipeline.sadd(`${prefix}:grant:${sha1(token.grantToken!)}`, id);
        pipeline.sadd(`${prefix}:refresh:${sha1(token.refreshToken!)}`, id);
        pipeline.sadd(`${prefix}:ids`, id);
      }
      await pipeline.exec();
    }
    await redis.set(`${prefix}:next-id`, String(size));
  } finally {
    await redis.quit();
  }

  return loaded(store, await redisFloor(prefix), size, () => unlinkRedisKeys(`${prefix}:*`));
}

/**
 * Checks through the store that the bulk load is what it reads (a loader out of step with the
 * store's format would otherwise measure misses), then bundles the store and its floor.
 */
async function loaded(
  store: TokenStore,
  floor: Floor,
  size: number,
  removeData: () => Promise<unknown> = async () => undefined,
): Promise<LoadedStore> {
  for (const i of [1, size, ...sampleIndexes(size, 5, 99)]) {
    const byUser = await store.findToken({ userSignature: userOf(i) });
    const byId = await store.findTokenById(String(i));
    const expected = tokenAt(i).accessToken;
    if (byUser?.accessToken !== expected || byId?.accessToken !== expected) {
      throw new Error(`bulk-loaded token ${i} of ${size} does not read back through the store`);
    }
  }

  return {
    store,
    floor,
    close: async () => {
      await store.close?.();
      await floor.close();
      await removeData();
    },
  };
}

async function ensureDatabase(server: 'mysql' | 'postgres', scratch: Scratch): Promise<void> {
  if (scratch.created.has(server)) return;

  if (server === 'mysql') await mysqlAdmin(`CREATE DATABASE ${scratch.database}`);
  else await postgresAdmin(`CREATE DATABASE ${scratch.database}`);
  scratch.created.add(server);
}

async function mysqlAdmin(sql: string): Promise<void> {
  const { createConnection } = await import('mysql2/promise');
  const connection = await createConnection({ ...SERVERS.mysql });
  try {
    await connection.query(sql);
  } finally {
    await connection.end();
  }
}

/** Runs one statement in the `postgres` database (where databases are created and dropped). */
function postgresAdmin(sql: string): Promise<void> {
  return postgresAdminIn('postgres', sql);
}

async function postgresAdminIn(database: string, sql: string): Promise<void> {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ ...SERVERS.postgres, database });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** SCAN and UNLINK in steps: one big DEL or Lua loop would stall Redis for the other users. */
async function unlinkRedisKeys(pattern: string): Promise<void> {
  const { Redis } = await import('ioredis');
  const redis = new Redis({ ...SERVERS.redis });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 5000);
      if (keys.length > 0) await redis.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    await redis.quit();
  }
}

/** The key prefix of Redis store `name` in the scratch area. */
function redisPrefixOf(scratch: Scratch, name: string): string {
  return `${scratch.redisPrefix}-${name}`;
}

function* batches(size: number): Generator<[number, number]> {
  for (let from = 1; from <= size; from += LOAD_BATCH) {
    yield [from, Math.min(size, from + LOAD_BATCH - 1)];
  }
}

function rows(from: number, to: number): (string | number | null)[][] {
  return Array.from({ length: to - from + 1 }, (_, at) => rowAt(from + at));
}

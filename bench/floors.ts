import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync } from 'node:fs';
import type Database from 'better-sqlite3';
import type { OAuthToken } from '../src/token/oauth-token.js';
import { SERVERS } from './servers.js';
import { tokenAt } from './tokens.js';

/**
 * The floor under a store: the least work any store of its kind must do to answer a lookup, on
 * the same data and keys. A store's `findToken` is compared with `byUser`, its `findTokenById`
 * with `byId`.
 */
export interface Floor {
  /** What the floor does, as printed in the report. */
  name: string;
  byUser(user: string): unknown;
  byId(id: string): unknown;
  /**
   * For a server store, the lookup by user done with the raw driver and nothing else: between
   * the floor and the store, it shows how much is the server's work and how much the store's.
   */
  rawLookup?: { name: string; byUser(user: string): unknown };
  close(): Promise<void>;
}

/** Memory: a `Map` lookup of the token object. */
export function mapFloor(n: number): Floor {
  const { byUser, byId } = tokenMaps(n);
  return {
    name: 'Map.get',
    byUser: (user) => byUser.get(user),
    byId: (id) => byId.get(id),
    close: async () => undefined,
  };
}

/**
 * File: an `fstat` of the open token file (how a process notices another one changed it), then a
 * `Map` lookup.
 */
export function fileFloor(path: string, n: number): Floor {
  const { byUser, byId } = tokenMaps(n);
  const fd = openSync(path, 'r');
  return {
    name: 'fstat + Map.get',
    byUser: (user) => {
      fstatSync(fd);
      return byUser.get(user);
    },
    byId: (id) => {
      fstatSync(fd);
      return byId.get(id);
    },
    close: async () => closeSync(fd),
  };
}

const COLUMNS = `id, user_name, client_id, client_secret, refresh_token, access_token,
  grant_token, expiry_time, redirect_url, api_domain, version, state`;

/** SQLite: a prepared `SELECT` through the lookup column's index, on the store's own handle. */
export function sqliteFloor(db: Database.Database, table: string): Floor {
  const byUser = db.prepare(`SELECT ${COLUMNS} FROM ${table} WHERE user_name = ? LIMIT 1`);
  const byId = db.prepare(`SELECT ${COLUMNS} FROM ${table} WHERE id = ?`);
  return {
    name: 'prepared indexed SELECT',
    byUser: (user) => byUser.get(user),
    byId: (id) => byId.get(id),
    close: async () => undefined,
  };
}

/**
 * MariaDB: `SELECT 1` on a connection of a mysql2 pool, the round trip any query pays. The raw
 * lookup is a prepared `SELECT` of the row through the index.
 */
export async function mysqlFloor(database: string, table: string): Promise<Floor> {
  const { createPool } = await import('mysql2/promise');
  const pool = createPool({ ...SERVERS.mysql, database, connectionLimit: 10 });
  await pool.query('SELECT 1');
  const roundTrip = () => pool.query('SELECT 1');
  const lookup = `SELECT ${COLUMNS} FROM ${table} WHERE user_name = ? LIMIT 1`;
  return {
    name: 'SELECT 1 (pool)',
    byUser: roundTrip,
    byId: roundTrip,
    rawLookup: { name: 'prepared SELECT', byUser: (user) => pool.execute(lookup, [user]) },
    close: () => pool.end(),
  };
}

/** PostgreSQL: `SELECT 1` on a connection of a pg pool; the raw lookup, a named prepared one. */
export async function postgresFloor(database: string, table: string): Promise<Floor> {
  const { default: pg } = await import('pg');
  const pool = new pg.Pool({ ...SERVERS.postgres, database, max: 10 });
  await pool.query('SELECT 1');
  const roundTrip = () => pool.query('SELECT 1');
  const text = `SELECT ${COLUMNS} FROM ${table} WHERE user_name = $1 LIMIT 1`;
  const byUser = (user: string) => pool.query({ name: 'zt-bench-by-user', text, values: [user] });
  return {
    name: 'SELECT 1 (pool)',
    byUser: roundTrip,
    byId: roundTrip,
    rawLookup: { name: 'prepared SELECT', byUser },
    close: () => pool.end(),
  };
}

/**
 * The least a one-round-trip lookup in the Redis store's layout does: a script reading the
 * user's index set, then the token's hash.
 */
const REDIS_LOOKUP = `
local ids = redis.call('SMEMBERS', KEYS[1])
if #ids == 0 then return {} end
return redis.call('HGETALL', ARGV[1] .. ':token:' .. ids[1])`;

/** Redis: `PING` on one ioredis connection, as the store keeps one. */
export async function redisFloor(prefix: string): Promise<Floor> {
  const { Redis } = await import('ioredis');
  const redis = new Redis({ ...SERVERS.redis, lazyConnect: true });
  await redis.connect();
  const roundTrip = () => redis.ping();
  const sha = (await redis.script('LOAD', REDIS_LOOKUP)) as string;
  const byUser = (user: string) => redis.evalsha(sha, 1, `${prefix}:user:${sha1(user)}`, prefix);
  return {
    name: 'PING',
    byUser: roundTrip,
    byId: roundTrip,
    rawLookup: { name: 'Lua SMEMBERS + HGETALL', byUser },
    close: async () => {
      await redis.quit();
    },
  };
}

/** The digest the Redis store names its index keys with. */
export function sha1(value: string): string {
  return createHash('sha1').update(value).digest('hex');
}

function tokenMaps(n: number): { byUser: Map<string, OAuthToken>; byId: Map<string, OAuthToken> } {
  const byUser = new Map<string, OAuthToken>();
  const byId = new Map<string, OAuthToken>();
  for (let i = 1; i <= n; i++) {
    const token = tokenAt(i);
    byUser.set(token.userSignature!, token);
    byId.set(token.id!, token);
  }
  return { byUser, byId };
}

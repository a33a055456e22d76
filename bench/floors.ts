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

const SQLITE_COLUMNS = `id, user_name, client_id, client_secret, refresh_token, access_token,
  grant_token, expiry_time, redirect_url, api_domain, version, state`;

/** SQLite: a prepared `SELECT` through the lookup column's index, on the store's own handle. */
export function sqliteFloor(db: Database.Database, table: string): Floor {
  const byUser = db.prepare(`SELECT ${SQLITE_COLUMNS} FROM ${table} WHERE user_name = ? LIMIT 1`);
  const byId = db.prepare(`SELECT ${SQLITE_COLUMNS} FROM ${table} WHERE id = ?`);
  return {
    name: 'prepared indexed SELECT',
    byUser: (user) => byUser.get(user),
    byId: (id) => byId.get(id),
    close: async () => undefined,
  };
}

/** MariaDB: `SELECT 1` on a connection of a mysql2 pool, the round trip any query pays. */
export async function mysqlFloor(): Promise<Floor> {
  const { createPool } = await import('mysql2/promise');
  const pool = createPool({ ...SERVERS.mysql, connectionLimit: 10 });
  await pool.query('SELECT 1');
  const roundTrip = () => pool.query('SELECT 1');
  return { name: 'SELECT 1 (pool)', byUser: roundTrip, byId: roundTrip, close: () => pool.end() };
}

/** PostgreSQL: `SELECT 1` on a connection of a pg pool. */
export async function postgresFloor(database: string): Promise<Floor> {
  const { default: pg } = await import('pg');
  const pool = new pg.Pool({ ...SERVERS.postgres, database, max: 10 });
  await pool.query('SELECT 1');
  const roundTrip = () => pool.query('SELECT 1');
  return { name: 'SELECT 1 (pool)', byUser: roundTrip, byId: roundTrip, close: () => pool.end() };
}

/** Redis: `PING` on one ioredis connection, as the store keeps one. */
export async function redisFloor(): Promise<Floor> {
  const { Redis } = await import('ioredis');
  const redis = new Redis({ ...SERVERS.redis, lazyConnect: true });
  await redis.connect();
  const roundTrip = () => redis.ping();
  return {
    name: 'PING',
    byUser: roundTrip,
    byId: roundTrip,
    close: async () => {
      await redis.quit();
    },
  };
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

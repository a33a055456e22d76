import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { canonicalToken } from '../../src/migrate/token-checksum.js';
import { openStore } from '../../src/store/open-store.js';
import type { TokenStore } from '../../src/store/token-store.js';
import type { OAuthToken } from '../../src/token/oauth-token.js';
import { fixturePath } from '../support/fixtures.js';
import { SERVICES } from '../support/services.js';

/** A fresh folder for one test. */
export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'zt-migrate-'));
}

/** A copy of a fixture in `dir` (the fixtures themselves are read-only). */
export function fixtureCopy(name: string, dir: string): string {
  const path = join(dir, name);
  copyFileSync(fixturePath(name), path);
  return path;
}

/** Stores opened by a test, closed by {@link closeAll}. */
const opened: TokenStore[] = [];

export async function open(url: string): Promise<TokenStore> {
  const store = await openStore(url);
  opened.push(store);
  return store;
}

export async function closeAll(): Promise<void> {
  for (const store of opened.splice(0)) await store.close?.();
}

/** The tokens of a store as the migration compares them, by id. */
export async function canonicalTokens(store: TokenStore): Promise<Record<string, string>> {
  const tokens: OAuthToken[] = await store.getTokens();
  return Object.fromEntries(tokens.map((token) => [String(token.id), canonicalToken(token)]));
}

/** The test MariaDB with another database (and table) in the URL. */
export function mysqlUrl(database: string, table = 'oauthtoken'): string {
  const url = new URL(SERVICES.mysql.url);
  url.pathname = `/${database}`;
  url.search = `?table=${table}`;
  return url.toString();
}

/**
 * A scratch database holding what the official DBStore's `mariadb-dump` holds. The dump's
 * first line is a command for the MariaDB client (`/*M!999999\- enable the sandbox mode`),
 * which the server itself refuses.
 */
export async function loadMysqlDump(database: string): Promise<void> {
  const dump = readFileSync(fixturePath('typescript-sdk-dbstore-mysql.sql'), 'utf8');
  const statements = dump
    .split('\n')
    .filter((line) => !line.startsWith('/*M!'))
    .join('\n');

  await withMysql(async (connection) => {
    await connection.query(`DROP DATABASE IF EXISTS ${database}; CREATE DATABASE ${database}`);
    await connection.query(`USE ${database}; ${statements}`);
  });
}

/** Drops a scratch database. */
export async function dropMysqlDatabase(database: string): Promise<void> {
  await withMysql((connection) => connection.query(`DROP DATABASE IF EXISTS ${database}`));
}

async function withMysql(work: (connection: mysql.Connection) => Promise<unknown>): Promise<void> {
  const url = new URL(SERVICES.mysql.url);
  const connection = await mysql.createConnection({
    host: url.hostname,
    port: Number(url.port || 3306),
    user: decodeURIComponent(url.username) || 'root',
    password: decodeURIComponent(url.password),
    multipleStatements: true,
  });
  try {
    await work(connection);
  } finally {
    await connection.end();
  }
}

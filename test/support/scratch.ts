import { Redis } from 'ioredis';
import mysql from 'mysql2/promise';
import pg from 'pg';

/**
 * Removes what a test created on a shared server: the table named in a MySQL or PostgreSQL store
 * URL (`?table=`), or every Redis key under the URL's `?prefix=`. Files are left to the OS's
 * temporary folder.
 */
export async function dropScratch(storeUrl: string): Promise<void> {
  const url = new URL(storeUrl);
  const table = url.searchParams.get('table');
  const prefix = url.searchParams.get('prefix');

  if (url.protocol === 'mysql:' && table !== null) {
    const connection = await mysql.createConnection(storeUrl.split('?')[0]!);
    await connection.query(`DROP TABLE IF EXISTS \`${table}\``);
    await connection.end();
  }
  if (url.protocol.startsWith('postgres') && table !== null) {
    const client = new pg.Client({ connectionString: storeUrl.split('?')[0] });
    await client.connect();
    await client.query(`DROP TABLE IF EXISTS "${table}"`);
    await client.end();
  }
  if (url.protocol === 'redis:' && prefix !== null) {
    const redis = new Redis(storeUrl.split('?')[0]!);
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  }
}

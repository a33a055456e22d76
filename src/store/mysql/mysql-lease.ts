import type { LeaseRows } from '../sql/sql-lease.js';
import type { MysqlPool } from './mysql-db.js';
import * as sql from './mysql-sql.js';

/**
 * Leases as rows of the `zoho_tokens_lease` table, with an expiry on the server's clock.
 *
 * Why not `GET_LOCK`, which the save path uses: a named lock belongs to a connection and has no
 * expiry. A holder that crashes frees it at once (its connection closes), but a holder that is
 * alive and stuck (a blocked event loop, a half-open connection) would keep it until the server's
 * `wait_timeout`, hours by default, and a timer in the holder cannot help when the holder is the
 * thing that hangs. A row with an expiry bounds every holder by `ttlMs`, crashed or hung; the
 * cost is that a waiter polls (20 to 250 ms) instead of being woken, and that a crashed holder's
 * lease is taken over only when its ttl ends. It also needs no connection held for the lease's
 * life, and works through proxies that multiplex connections.
 *
 * Taking a lease: delete the key's row if it has expired, then insert it; the primary key makes
 * the insert fail while someone else's unexpired row is there.
 */
export function mysqlLeaseRows(
  pool: MysqlPool,
  table: string,
  ready: () => Promise<void>,
): LeaseRows {
  return {
    async tryTake(rowKey, owner, ttlMs) {
      await ready();
      return pool.session(async (session) => {
        await session.run(sql.statement(sql.EVICT_EXPIRED_LEASE, table), [rowKey]);
        try {
          await session.run(sql.statement(sql.INSERT_LEASE, table), [rowKey, owner, ttlMs * 1000]);
          return true;
        } catch (error) {
          if (isTakenMeanwhile(error)) return false;
          throw error;
        }
      });
    },
    async release(rowKey, owner) {
      await pool.session((session) =>
        session.run(sql.statement(sql.RELEASE_LEASE, table), [rowKey, owner]),
      );
    },
  };
}

// A duplicate key: another owner's row is there. A deadlock between two takers (InnoDB may pick
// a victim among concurrent inserts of one key) means the same: try again at the next poll.
function isTakenMeanwhile(error: unknown): boolean {
  const errno = (error as { errno?: unknown } | null)?.errno;
  return errno === 1062 || errno === 1213;
}

import type { LeaseRows } from '../sql/sql-lease.js';
import type { PostgresConfig } from './postgres-config.js';
import type { PostgresPool } from './postgres-db.js';
import * as sql from './postgres-sql.js';

/**
 * Leases as rows of the `zoho_tokens_lease` table, with an expiry on the server's clock.
 *
 * Why not a session advisory lock (`pg_try_advisory_lock`), which saves use in their
 * transaction-scoped form: it belongs to a connection that must stay open for the lease's whole
 * life, and has no expiry. A crashed holder frees it at once, but a holder that is alive and stuck
 * keeps it as long as its connection lives, and a timer in the holder cannot help when the holder
 * is what hangs; behind PgBouncer in transaction mode the lock may even land on someone else's
 * connection. A row with an expiry bounds every holder by `ttlMs`, crashed or hung, at the cost of
 * waiters polling (20 to 250 ms) and of a crashed holder's lease ending only with its ttl.
 *
 * Taking a lease is one statement: insert the row, or take over a row whose expiry has passed.
 */
export function postgresLeaseRows(
  pool: PostgresPool,
  config: PostgresConfig,
  ready: () => Promise<void>,
): LeaseRows {
  const text = (statement: string) => sql.statement(statement, config.schema, config.table);

  return {
    async tryTake(rowKey, owner, ttlMs) {
      await ready();
      const result = await pool.session((session) =>
        session.run(text(sql.TAKE_LEASE), [rowKey, owner, ttlMs]),
      );
      return result.rowCount === 1;
    },
    async release(rowKey, owner) {
      await pool.session((session) => session.run(text(sql.RELEASE_LEASE), [rowKey, owner]));
    },
  };
}

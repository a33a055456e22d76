import { ZohoTokensError } from '../../errors.js';
import type { OAuthToken } from '../../token/oauth-token.js';
import { rowValues, type TokenRow, tokenFromRow } from '../columns.js';
import type { LookupColumn, TokenRows } from '../sql/sql-save.js';
import type { MysqlSession } from './mysql-db.js';
import * as sql from './mysql-sql.js';

/**
 * The token rows of `table` through one session. With `locking`, reads take row locks
 * (`FOR UPDATE`): that is how the save transaction reads.
 */
export function mysqlRows(session: MysqlSession, table: string, locking = false): TokenRows {
  const read = (text: string) => sql.statement(text, table) + (locking ? sql.FOR_UPDATE : '');

  return {
    async byId(id) {
      const rows = await session.run<TokenRow[]>(read(sql.FIND_BY_ID), [id]);
      return exactMatch(rows, 'id', id);
    },
    async byColumn(column, value) {
      const rows = await session.run<TokenRow[]>(read(sql.FIND_BY[column]), [value]);
      return exactMatch(rows, column, value);
    },
    async maxId() {
      const rows = await session.run<{ max_id: string | number | null }[]>(
        sql.statement(sql.MAX_ID, table),
        [],
      );
      const max = rows[0]?.max_id ?? null;
      return max === null ? null : BigInt(max);
    },
    async insert(token) {
      await session.run(sql.statement(sql.INSERT, table), rowValues(token));
    },
    async update(token) {
      const [, ...values] = rowValues(token);
      const result = await session.run<{ affectedRows: number }>(sql.statement(sql.UPDATE, table), [
        ...values,
        token.id,
      ]);
      if (result.affectedRows !== 1) throw vanished(token);
    },
  };
}

/** Every token in the table, in id order. */
export async function allTokens(session: MysqlSession, table: string): Promise<OAuthToken[]> {
  const rows = await session.run<TokenRow[]>(sql.statement(sql.ALL, table));
  return rows.map(tokenFromRow);
}

// The server compares under the column's collation: in the official utf8mb4_general_ci table
// 'Ada' equals 'ada ' there. The matching rules want the exact value, and among several rows
// (the official SDKs can leave duplicates) the lowest id, as a scan in id order would find. The
// order is taken here rather than with ORDER BY, which costs the server a sort on every lookup.
function exactMatch(
  rows: readonly TokenRow[],
  column: LookupColumn | 'id',
  value: string,
): OAuthToken | null {
  let first: TokenRow | null = null;
  for (const row of rows) {
    if (String(row[column]) !== value) continue;
    if (first === null || compareIds(String(row.id), String(first.id)) < 0) first = row;
  }
  return first === null ? null : tokenFromRow(first);
}

function compareIds(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

function vanished(token: OAuthToken): ZohoTokensError {
  return new ZohoTokensError(
    'ERR_STORE_CONFLICT',
    `token ${token.id} was deleted while it was being saved`,
  );
}

import { ZohoTokensError } from '../../errors.js';
import type { OAuthToken } from '../../token/oauth-token.js';
import { rowValues, type TokenRow, tokenFromRow } from '../columns.js';
import type { TokenRows } from '../sql/sql-save.js';
import type { PostgresConfig } from './postgres-config.js';
import type { PostgresSession } from './postgres-db.js';
import * as sql from './postgres-sql.js';

/**
 * The token rows of the configured table through one session. With `locking`, reads take row
 * locks (`FOR UPDATE`): that is how the save transaction reads.
 */
export function postgresRows(
  session: PostgresSession,
  config: PostgresConfig,
  locking = false,
): TokenRows {
  const text = (statement: string) => sql.statement(statement, config.schema, config.table);
  const read = (statement: string) => text(statement) + (locking ? sql.FOR_UPDATE : '');
  const first = (rows: TokenRow[]) => (rows[0] === undefined ? null : tokenFromRow(rows[0]));

  return {
    async byId(id) {
      return first((await session.run<TokenRow>(read(sql.FIND_BY_ID), [id])).rows);
    },
    async byColumn(column, value) {
      return first((await session.run<TokenRow>(read(sql.FIND_BY[column]), [value])).rows);
    },
    async maxId() {
      const result = await session.run<{ max_id: string | null }>(text(sql.MAX_ID));
      const max = result.rows[0]?.max_id ?? null;
      return max === null ? null : BigInt(max);
    },
    async insert(token) {
      await session.run(text(sql.INSERT), rowValues(token));
    },
    async update(token) {
      const [, ...values] = rowValues(token);
      const result = await session.run(text(sql.UPDATE), [...values, token.id]);
      if (result.rowCount !== 1) throw vanished(token);
    },
  };
}

/** Every token in the table, in id order. */
export async function allTokens(
  session: PostgresSession,
  config: PostgresConfig,
): Promise<OAuthToken[]> {
  const result = await session.run<TokenRow>(sql.statement(sql.ALL, config.schema, config.table));
  return result.rows.map(tokenFromRow);
}

function vanished(token: OAuthToken): ZohoTokensError {
  return new ZohoTokensError(
    'ERR_STORE_CONFLICT',
    `token ${token.id} was deleted while it was being saved`,
  );
}

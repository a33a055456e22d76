import { ZohoTokensError } from '../errors.js';

/**
 * Checks a table name before it goes into SQL. Names cannot be bound as parameters, so only
 * plain identifiers are accepted (the official stores concatenate whatever they are given).
 */
export function validTableName(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(name)) {
    throw new ZohoTokensError(
      'ERR_INVALID_ARGUMENT',
      `invalid table name: ${JSON.stringify(name)}`,
    );
  }

  return name;
}

/** Puts a validated table name into a statement written with `{t}`. */
export function withTable(sql: string, table: string): string {
  return sql.replaceAll('{t}', table);
}

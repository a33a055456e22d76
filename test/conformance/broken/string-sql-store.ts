/**
 * Fault: SQL built by pasting values into the statement text, as every method of the Kaizen
 * #192 SQLite sample does (`"... where user_name='" + name + "'"`). A quote in any value breaks
 * the statement, and a user named `x' OR '1'='1` rewrites the lookup.
 */
import { SoundSqliteStore } from './sound-sqlite-store.js';

type Param = string | number | null;

export class StringSqlStore extends SoundSqliteStore {
  protected override query(sql: string, params: Param[]) {
    return super.query(pasteValues(sql, params), []);
  }

  protected override execute(sql: string, params: Param[]): void {
    super.execute(pasteValues(sql, params), []);
  }
}

/** Replaces each `?` with its value between single quotes, unescaped: the fault. */
function pasteValues(sql: string, params: Param[]): string {
  let next = 0;
  return sql.replace(/\?/g, () => {
    const value = params[next++];
    if (value === null || value === undefined) return 'NULL';
    return typeof value === 'number' ? String(value) : `'${value}'`;
  });
}

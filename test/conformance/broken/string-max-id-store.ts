/**
 * Fault: the next id from `MAX(id)` over the text `id` column of the official table, as the
 * official DBStore does. Text compares "9" above "10", so the eleventh save is given "10" again
 * and collides with the row that has it.
 */
import { SoundSqliteStore } from './sound-sqlite-store.js';

export class StringMaxIdStore extends SoundSqliteStore {
  protected override nextId(): string {
    const max = this.query('SELECT MAX(id) AS id FROM oauthtoken', [])[0]?.id ?? null;
    return String(Number(max ?? 0) + 1);
  }
}

/**
 * Fault: a lookup without a key returns the first row. The Kaizen #192 `find_token` starts
 * from `select * from oauthtoken` and appends a WHERE only when a rule applies; with none it
 * runs `select * from oauthtoken limit 1` and hands out some other user's token.
 */
import { tokenFromRow } from '../../../src/store/columns.js';
import type { OAuthToken } from '../../../src/token/oauth-token.js';
import { SoundSqliteStore } from './sound-sqlite-store.js';

export class FirstRowStore extends SoundSqliteStore {
  protected override lookupWithoutKey(): OAuthToken | null {
    const [row] = this.query('SELECT * FROM oauthtoken LIMIT 1', []);
    return row === undefined ? null : tokenFromRow(row);
  }
}

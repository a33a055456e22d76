/**
 * Fault: "delete all" that never commits. The Kaizen #192 `delete_tokens` calls
 * `self.connection.commit()`, an attribute that does not exist, so its own connection is
 * closed without a commit. The store's own connection sees an empty table; any other
 * connection (another process, a restart) still sees every token.
 */
import { ZohoTokensError } from '../../../src/errors.js';
import { SoundSqliteStore } from './sound-sqlite-store.js';

export class UncommittedDeleteAllStore extends SoundSqliteStore {
  override async deleteTokens(): Promise<void> {
    try {
      if (!this.db.inTransaction) this.db.exec('BEGIN');
      this.execute('DELETE FROM oauthtoken', []);
    } catch (error) {
      throw new ZohoTokensError('ERR_STORE_FAILED', 'sqlite deleteTokens failed', { cause: error });
    }
  }
}

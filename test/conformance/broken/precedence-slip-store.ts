/**
 * Fault: the lookup condition of the Kaizen #192 `find_token`,
 * `refresh is not None or grant is not None and client_id is not None and client_secret is
 * not None`. `and` binds tighter than `or`, so a grant token without client credentials is no
 * key at all (the sample then ran its query without a WHERE).
 */
import { type MatchKey, matchKeyOf } from '../../../src/store/matching.js';
import type { TokenQuery } from '../../../src/store/token-store.js';
import { SoundSqliteStore } from './sound-sqlite-store.js';

export class PrecedenceSlipStore extends SoundSqliteStore {
  protected override findKey(query: TokenQuery): MatchKey | null {
    const key = matchKeyOf(query);
    if (key?.rule !== 'grant-or-refresh') return key;

    const hasClient = Boolean(query.clientId) && Boolean(query.clientSecret);
    const qualifies = Boolean(query.refreshToken) || (Boolean(query.grantToken) && hasClient);
    return qualifies ? key : null;
  }
}

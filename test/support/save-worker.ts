/**
 * A separate OS process that saves `count` tokens of distinct users, all at once, into the store
 * at `url`: `node --import tsx test/support/save-worker.ts URL COUNT PREFIX`.
 */
import { openStore } from '../../src/store/open-store.js';
import { OAuthToken } from '../../src/token/oauth-token.js';

const [url, count, prefix] = process.argv.slice(2);
const store = await openStore(url!);
await Promise.all(
  Array.from({ length: Number(count) }, (_, i) =>
    store.saveToken(
      new OAuthToken({
        userSignature: `${prefix}-${i}@example.com:1`,
        clientId: 'c',
        refreshToken: `r-${prefix}-${i}`,
        accessToken: `a-${prefix}-${i}`,
        expiresAt: Date.now() + 3_600_000,
      }),
    ),
  ),
);
await store.close?.();

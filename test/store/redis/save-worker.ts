// A separate OS process that saves `count` tokens for distinct users at once, then prints the
// ids it was given as JSON. Run: node --import tsx save-worker.ts URL PREFIX WORKER COUNT
import { RedisStore } from '../../../src/store/redis/redis-store.js';
import { OAuthToken } from '../../../src/token/oauth-token.js';

const [url, prefix, worker, count] = process.argv.slice(2);
const store = new RedisStore({ url, prefix });

const saves = Array.from({ length: Number(count) }, (_, at) =>
  store.saveToken(
    new OAuthToken({
      userSignature: `worker-${worker}-user-${at}@example.com`,
      clientId: 'client',
      refreshToken: `refresh-${worker}-${at}`,
      accessToken: `access-${worker}-${at}`,
    }),
  ),
);
const saved = await Promise.all(saves);
await store.close();
process.stdout.write(JSON.stringify(saved.map((token) => token.id)));

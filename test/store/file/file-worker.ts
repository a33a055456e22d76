/**
 * A separate OS process acting on a token file, for the cross-process tests. Run as
 * `node --import tsx file-worker.ts COMMAND PATH ...`; it reports on stdout, one line per event.
 */
import { createInterface } from 'node:readline';
import { FileStore } from '../../../src/store/file/file-store.js';
import { OAuthToken } from '../../../src/token/oauth-token.js';

const [command, path, ...args] = process.argv.slice(2);
const store = new FileStore({ path: path!, lockWaitMs: 60_000 });
const lines = createInterface({ input: process.stdin });

function nextLine(): Promise<string> {
  return new Promise((resolve) => lines.once('line', resolve));
}

/** Saves `count` distinct users at once; prints their ids as JSON. */
async function saveUsers(prefix: string, count: number): Promise<void> {
  const saves = Array.from({ length: count }, (_, index) =>
    store.saveToken(
      new OAuthToken({
        userSignature: `${prefix}-${index}@zylker.example:1`,
        clientId: `client-${prefix}`,
        clientSecret: `secret-${prefix}`,
        refreshToken: `rt-${prefix}-${index}`,
        accessToken: `at-${prefix}-${index}`,
        expiresAt: 1_796_305_849_341,
        apiDomain: 'https://www.zohoapis.eu',
      }),
    ),
  );
  const saved = await Promise.all(saves);
  console.log(JSON.stringify(saved.map((token) => token.id)));
}

/** Updates (or adds) one user's access token. */
async function saveUser(user: string, accessToken: string): Promise<void> {
  const saved = await store.saveToken(
    new OAuthToken({ userSignature: user, accessToken, refreshToken: `rt-${user}` }),
  );
  console.log(saved.id);
}

/** Rewrites the file `count` times, each time with other large values. */
async function churn(count: number): Promise<void> {
  for (let round = 0; round < count; round++) {
    await store.saveToken(
      new OAuthToken({
        userSignature: `churn-${round % 20}`,
        refreshToken: `rt-churn-${round % 20}`,
        accessToken: `${round}-`.padEnd(4096, 'a'),
        apiDomain: 'https://www.zohoapis.com',
      }),
    );
  }
  console.log('done');
}

/** Takes a lease, says so, and releases it when told to (or dies holding it). */
async function holdLease(key: string, ttlMs: number): Promise<void> {
  const lease = await store.acquireLease(key, { ttlMs, waitMs: 30_000 });
  console.log(lease === null ? 'none' : 'acquired');
  if (lease === null) return;

  await nextLine();
  await lease.release();
  console.log('released');
}

/** Waits for "go", tries once to take a lease, reports, and exits without releasing it. */
async function raceLease(key: string, ttlMs: number, waitMs: number): Promise<void> {
  console.log('ready');
  await nextLine();
  const lease = await store.acquireLease(key, { ttlMs, waitMs });
  console.log(lease === null ? 'none' : 'got');
}

/** Tries one write and reports `ok`, or the error's code and message. */
async function tryWrite(write: () => Promise<unknown>): Promise<void> {
  try {
    await write();
    console.log('ok');
  } catch (error) {
    const { code, message } = error as { code?: string; message: string };
    console.log(`${code ?? 'no-code'} ${message}`);
  }
}

async function main(): Promise<void> {
  if (command === 'save-users') return saveUsers(args[0]!, Number(args[1]));
  if (command === 'save-user') return saveUser(args[0]!, args[1]!);
  if (command === 'try-delete') return tryWrite(() => store.deleteToken(args[0]!));
  if (command === 'try-save') {
    return tryWrite(() =>
      store.saveToken(new OAuthToken({ userSignature: args[0]!, refreshToken: 'r' })),
    );
  }
  if (command === 'churn') return churn(Number(args[0]));
  if (command === 'hold-lease') return holdLease(args[0]!, Number(args[1]));
  if (command === 'race-lease') return raceLease(args[0]!, Number(args[1]), Number(args[2]));
  throw new Error(`unknown command ${command}`);
}

main().then(
  () => {
    lines.close();
    process.exit(0);
  },
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);

import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { promisify } from 'node:util';
import type { TokenStore } from '../src/store/token-store.js';
import { freshAccessToken, sampleIndexes, userOf } from './tokens.js';

/** 1 000 `findToken` calls issued at once on one store. */
export interface ConcurrencyFigures {
  store: string;
  size: number;
  calls: number;
  /** Calls that rejected. */
  errors: number;
  /** Calls that resolved to nothing, or to another user's token. */
  wrong: number;
  wallMs: number;
  /** The first error's message, if any. */
  firstError: string | null;
}

/** Whether the file store saw a change another process made to its file. */
export interface VisibilityFigures {
  size: number;
  /** What the other process was. */
  writer: string;
  seen: boolean;
}

const CONCURRENT_CALLS = 1_000;

/** Issues {@link CONCURRENT_CALLS} lookups of different users at once and checks each answer. */
export async function concurrentFinds(
  label: string,
  store: TokenStore,
  size: number,
): Promise<ConcurrencyFigures> {
  const indexes = sampleIndexes(size, CONCURRENT_CALLS, 7);
  const started = performance.now();
  const results = await Promise.allSettled(
    indexes.map((i) => store.findToken({ userSignature: userOf(i) })),
  );
  const wallMs = performance.now() - started;

  const rejected = results.filter((result) => result.status === 'rejected');
  const wrong = results.filter(
    (result, at) =>
      result.status === 'fulfilled' && result.value?.userSignature !== userOf(indexes[at]!),
  );
  return {
    store: label,
    size,
    calls: CONCURRENT_CALLS,
    errors: rejected.length,
    wrong: wrong.length,
    wallMs,
    firstError: rejected[0] === undefined ? null : String(rejected[0].reason),
  };
}

/**
 * Has another process (the official SDK's FileStore, which rewrites the file in place without a
 * lock) save a new access token for one user, then asks the file store for that user at once.
 */
export async function seesOtherProcess(
  store: TokenStore,
  path: string,
  size: number,
): Promise<VisibilityFigures> {
  const i = Math.max(1, Math.floor(size / 2));
  await store.findToken({ userSignature: userOf(i) }); // the store has the file loaded
  const accessToken = freshAccessToken(i, 999);

  const require = createRequire(import.meta.url);
  const sdk = (path: string) =>
    JSON.stringify(require.resolve(`@zohocrm/typescript-sdk-8.0/dist/${path}`));
  const script = `
    const { FileStore } = require(${sdk('models/authenticator/store/file_store.js')});
    const { OAuthToken } = require(${sdk('models/authenticator/oauth_token.js')});
    const { UserSignature } = require(${sdk('routes/user_signature.js')});
    const token = new OAuthToken();
    token.setUserSignature(new UserSignature(${JSON.stringify(userOf(i))}));
    token.setAccessToken(${JSON.stringify(accessToken)});
    new FileStore(${JSON.stringify(path)}).saveToken(token).then(() => process.exit(0));`;
  await promisify(execFile)(process.execPath, ['-e', script]);

  const found = await store.findToken({ userSignature: userOf(i) });
  return {
    size,
    writer: 'official FileStore in another process',
    seen: found?.accessToken === accessToken,
  };
}

import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis, RedisOptions } from 'ioredis';
import { ZohoTokensError } from '../../errors.js';
import { type Logger, silentLogger } from '../../logger.js';
import type { OAuthToken } from '../../token/oauth-token.js';
import { type MatchKey, matchKeyOf } from '../matching.js';
import { planSave } from '../save-plan.js';
import { importDriver } from '../sql/sql-driver.js';
import type { Lease, LeaseOptions, TokenQuery, TokenStore } from '../token-store.js';
import {
  DEFAULT_PREFIX,
  parseRedisUrl,
  type RedisConnection,
  validPrefix,
} from './redis-config.js';
import { redisError, unavailable } from './redis-errors.js';
import { byId, hashOf, type StoredHash, storedHashOf, tokenOf } from './redis-hash.js';
import { type LeaseCommands, takeLease } from './redis-lease.js';
import { SCRIPTS } from './redis-scripts.js';

/** Options of {@link RedisStore}. Explicit options win over the same setting in the URL. */
export interface RedisStoreOptions {
  /** `redis://[user[:password]@]host[:port][/db][?prefix=NAME]`, or `rediss://` for TLS. */
  url?: string;
  /** The start of every key of the store. Default `zoho-tokens`. */
  prefix?: string;
  /** How long connecting may take before a call fails with `ERR_STORE_UNAVAILABLE` (3000). */
  connectTimeoutMs?: number;
  /** How long one command may take before it fails with `ERR_STORE_UNAVAILABLE`. Default 5000. */
  commandTimeoutMs?: number;
  logger?: Logger;
}

type SaveOutcome = 'ok' | 'retry' | 'taken';

/** The ioredis client with the store's scripts defined on it. */
interface ScriptedRedis extends Redis {
  zohoTokensFind(prefix: string, ...lookups: string[]): Promise<string[]>;
  zohoTokensSave(prefix: string, plan: string): Promise<SaveOutcome>;
  zohoTokensDelete(prefix: string, id: string): Promise<string>;
  zohoTokensDeleteAll(prefix: string): Promise<string>;
  zohoTokensAll(prefix: string): Promise<string[][]>;
  zohoTokensRelease(key: string, owner: string): Promise<string>;
}

/**
 * Tokens in Redis: a hash per token plus exact index sets for the user name and the access,
 * grant and refresh tokens, all changed by Lua scripts (see `redis-scripts.ts` for the keys).
 *
 * Saving is optimistic. The store reads the matching token, applies `planSave` (the merge and
 * version rules are TypeScript, shared by every store), then hands the planned hash to a script
 * that writes it only if the lookup still finds the same row with exactly the fields that were
 * read; otherwise it reads and plans again. A script rather than WATCH/MULTI, because WATCH is
 * per connection and this store shares one connection between all concurrent calls; and a
 * compare of the whole hash rather than of the version alone, so a row deleted and re-imported
 * under the same id and version is not mistaken for the one that was read.
 *
 * New ids come from `INCR P:next-id`; saving a token that brings its own numeric id (an import)
 * raises the counter past it, and an id that is already taken is never reused.
 *
 * ioredis is imported on first use, so importing this library never loads it. The client is
 * set up to fail fast rather than queue: no offline queue, no background reconnection. A call
 * made while Redis is down rejects with `ERR_STORE_UNAVAILABLE` within `connectTimeoutMs`, and
 * the next call after the server is back connects again.
 *
 * @example
 * ```ts
 * const store = new RedisStore({ url: 'redis://127.0.0.1:6379/0?prefix=crm' });
 * const token = await store.findToken({ userSignature: 'ada@example.com:7000001' });
 * await store.close();
 * ```
 */
export class RedisStore implements TokenStore {
  readonly prefix: string;
  readonly #connection: RedisConnection;
  readonly #connectTimeoutMs: number;
  readonly #commandTimeoutMs: number;
  readonly #logger: Logger;
  #creating: Promise<ScriptedRedis> | null = null;
  #redis: ScriptedRedis | null = null;
  #connecting: Promise<void> | null = null;
  /** The client whose connection has the URL's database selected. */
  #selected: ScriptedRedis | null = null;
  #closed = false;

  constructor(options: RedisStoreOptions = {}) {
    const parts = parseRedisUrl(options.url ?? 'redis://127.0.0.1:6379/0');
    this.prefix = validPrefix(options.prefix ?? parts.prefix ?? DEFAULT_PREFIX);
    this.#connection = parts.connection;
    this.#connectTimeoutMs = options.connectTimeoutMs ?? parts.connectTimeoutMs ?? 3000;
    this.#commandTimeoutMs = options.commandTimeoutMs ?? parts.commandTimeoutMs ?? 5000;
    this.#logger = options.logger ?? silentLogger;
  }

  async findToken(query: TokenQuery): Promise<OAuthToken | null> {
    const key = matchKeyOf(query);
    if (key === null) return null;

    const stored = await this.#run('findToken', (redis) => this.#find(redis, lookupsOf(key)));
    return stored === null ? null : tokenOf(stored);
  }

  async findTokenById(id: string): Promise<OAuthToken | null> {
    const stored = await this.#run('findTokenById', (redis) => this.#find(redis, ['id', id]));
    return stored === null ? null : tokenOf(stored);
  }

  async saveToken(token: OAuthToken): Promise<OAuthToken> {
    return this.#run('saveToken', (redis) => this.#save(redis, token));
  }

  async deleteToken(id: string): Promise<void> {
    await this.#run('deleteToken', (redis) => redis.zohoTokensDelete(this.prefix, id));
  }

  async getTokens(): Promise<OAuthToken[]> {
    const replies = await this.#run('getTokens', (redis) => redis.zohoTokensAll(this.prefix));
    return replies
      .map((reply) => storedHashOf(reply))
      .filter((stored) => stored !== null)
      .map(tokenOf)
      .sort(byId);
  }

  async deleteTokens(): Promise<void> {
    await this.#run('deleteTokens', (redis) => redis.zohoTokensDeleteAll(this.prefix));
  }

  /** `SET P:lease:<key> <owner> NX PX ttlMs`, polled up to `waitMs`; see {@link takeLease}. */
  async acquireLease(key: string, options: LeaseOptions): Promise<Lease | null> {
    const commands: LeaseCommands = {
      setIfAbsent: async (leaseKey, owner, ttlMs) => {
        const reply = await this.#run('acquireLease', (redis) =>
          redis.set(leaseKey, owner, 'PX', ttlMs, 'NX'),
        );
        return reply === 'OK';
      },
      releaseIfOwner: async (leaseKey, owner) => {
        await this.#run('releaseLease', (redis) => redis.zohoTokensRelease(leaseKey, owner));
      },
    };

    return takeLease(commands, key, `${this.prefix}:lease:${key}`, options);
  }

  /** Quits the connection. Calls made afterwards fail with `ERR_STORE_UNAVAILABLE`. */
  async close(): Promise<void> {
    this.#closed = true;
    const redis = this.#redis;
    if (redis === null) return;

    if (redis.status !== 'ready') {
      redis.disconnect();
      return;
    }
    try {
      await redis.quit();
    } catch (error) {
      // The connection dropped while quitting: nothing is left to release but the socket.
      this.#logger.debug('redis quit failed', { error: String(error) });
      redis.disconnect();
    }
  }

  async #find(redis: ScriptedRedis, lookups: string[]): Promise<StoredHash | null> {
    return storedHashOf(await redis.zohoTokensFind(this.prefix, ...lookups));
  }

  async #save(redis: ScriptedRedis, token: OAuthToken): Promise<OAuthToken> {
    const key = token.id === null ? matchKeyOf(token) : null;
    const lookups = token.id !== null ? ['id', token.id] : key === null ? [] : lookupsOf(key);
    const deadline = Date.now() + this.#commandTimeoutMs;
    let reservedId: string | null = null;

    for (let attempt = 1; ; attempt += 1) {
      const stored = await this.#find(redis, lookups);
      if (stored === null && token.id === null && reservedId === null) {
        reservedId = String(await redis.incr(`${this.prefix}:next-id`));
      }

      const saved = planSave(token, stored === null ? null : tokenOf(stored), () => reservedId!);
      const plan = {
        lookups,
        expectedId: stored?.id ?? '',
        expected: stored?.hash ?? {},
        id: saved.id,
        hash: hashOf(saved),
      };
      const outcome = await redis.zohoTokensSave(this.prefix, JSON.stringify(plan));
      if (outcome === 'ok') return saved;
      if (outcome === 'taken') reservedId = null;
      if (Date.now() > deadline) {
        throw new ZohoTokensError(
          'ERR_STORE_CONFLICT',
          `redis saveToken: the token kept changing during ${attempt} attempts`,
        );
      }
      await sleep(Math.random() * Math.min(50, attempt * 5));
    }
  }

  /** Runs Redis calls on a ready connection, turning their failures into typed errors. */
  async #run<T>(operation: string, work: (redis: ScriptedRedis) => Promise<T>): Promise<T> {
    const redis = await this.#ready(operation);
    try {
      return await work(redis);
    } catch (error) {
      throw redisError(operation, error);
    }
  }

  async #ready(operation: string): Promise<ScriptedRedis> {
    if (this.#closed) throw unavailable(`redis ${operation}: the store is closed`);

    this.#creating ??= this.#createClient();
    const redis = await this.#creating;
    if (this.#closed) throw unavailable(`redis ${operation}: the store is closed`);
    // A client dropped by a failed connect (see #connect) while this call waited for it.
    if (redis !== this.#redis) return this.#ready(operation);
    if (this.#selected === redis && redis.status === 'ready') return redis;

    this.#connecting ??= this.#connect(redis).finally(() => {
      this.#connecting = null;
    });
    await this.#connecting;
    return redis;
  }

  async #createClient(): Promise<ScriptedRedis> {
    const { Redis } = await importDriver(() => import('ioredis'), 'ioredis', 'redis');
    const redis = new Redis(this.#clientOptions()) as ScriptedRedis;
    for (const [name, script] of Object.entries(SCRIPTS)) redis.defineCommand(name, script);
    // Without a listener ioredis prints connection errors itself; callers get them as typed errors.
    redis.on('error', (error: Error) => {
      this.#logger.debug('redis connection error', { error: error.message });
    });
    this.#redis = redis;
    return redis;
  }

  #clientOptions(): RedisOptions {
    // No `db`: ioredis would select it on connect but, when the server refuses the index, only
    // emit an error event and go on in database 0. #connect selects it and fails the call.
    const { host, port, username, password, tls } = this.#connection;
    return {
      host,
      port,
      username,
      password,
      tls: tls ? {} : undefined,
      lazyConnect: true,
      connectTimeout: this.#connectTimeoutMs,
      commandTimeout: this.#commandTimeoutMs,
      // ioredis's defaults queue commands while disconnected and reconnect forever, so a down
      // server makes calls hang. Here a call fails at once and the next call reconnects.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      autoResendUnfulfilledCommands: false,
      // RESP2 works with every Redis version; the replies here need nothing from RESP3.
      protocol: 2,
      maintNotifications: 'disabled',
      // Ids are 64-bit counters: as strings they never lose precision past 2^53.
      stringNumbers: true,
    };
  }

  async #connect(redis: ScriptedRedis): Promise<void> {
    this.#selected = null;
    await this.#open(redis);
    try {
      await this.#selectDatabase(redis);
      this.#selected = redis;
    } catch (error) {
      // The client ends asynchronously and may still say `ready` meanwhile: the next call
      // starts a new client rather than reuse this one in database 0.
      redis.disconnect();
      this.#creating = null;
      this.#redis = null;
      throw error;
    }
  }

  async #open(redis: ScriptedRedis): Promise<void> {
    const { host, port } = this.#connection;
    const attempt = redis.connect();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`connect timed out after ${this.#connectTimeoutMs} ms`)),
        this.#connectTimeoutMs,
      );
    });

    try {
      await Promise.race([attempt, timeout]);
    } catch (error) {
      // The abandoned attempt rejects once the socket is torn down; that is this same failure.
      attempt.catch(() => undefined);
      if (redis.status !== 'end') redis.disconnect();
      throw unavailable(`redis at ${host}:${port} is unavailable`, error);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Selects the URL's database on a new connection; a server without that database (its
   * `databases` setting is lower, or it is a cluster) fails the call with `ERR_STORE_URL`.
   */
  async #selectDatabase(redis: ScriptedRedis): Promise<void> {
    const { host, port, db } = this.#connection;
    if (db === 0) return;

    try {
      await redis.select(db);
    } catch (error) {
      const reply = error instanceof Error ? error.message : '';
      if (!/DB index|out of range|not allowed in cluster mode/i.test(reply)) {
        throw redisError('select', error);
      }
      throw new ZohoTokensError(
        'ERR_STORE_URL',
        `redis at ${host}:${port} has no database ${db} (${reply}); nothing was read or written`,
        { cause: error },
      );
    }
  }
}

/** The (field, value) pairs the scripts try, in the order of the matching rules. */
function lookupsOf(key: MatchKey): string[] {
  if (key.rule === 'user') return ['user_name', key.userSignature];
  if (key.rule === 'access-token') return ['access_token', key.accessToken];

  const lookups: string[] = [];
  if (key.grantToken !== null) lookups.push('grant_token', key.grantToken);
  if (key.refreshToken !== null) lookups.push('refresh_token', key.refreshToken);
  return lookups;
}

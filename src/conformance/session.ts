import { randomUUID } from 'node:crypto';
import type { TokenStore } from '../store/token-store.js';
import type { CheckContext, ConformanceCheck } from './check.js';
import { describeError, describeValue } from './describe.js';
import { CheckFailure, CheckSkipped } from './failure.js';
import type { ResolvedOptions } from './options.js';
import { skipForStore } from './options.js';
import { withTimeout } from './timeout.js';
import { CallTracker, tracedStore } from './traced-store.js';
import type { CreateStore, RawRow } from './types.js';

const NOT_EMPTY_HINT =
  'createStore must give a fresh, empty store per call (a new table, file or key prefix), ' +
  'or options.cleanup must empty it';

/**
 * One check's run: the fresh store, any reopened ones, and the cleanup of all of them.
 */
export class CheckSession {
  readonly tracker = new CallTracker();
  readonly #createStore: CreateStore;
  readonly #options: ResolvedOptions;
  readonly #opened: TokenStore[] = [];
  #startedEmpty = false;
  #broken = false;

  constructor(createStore: CreateStore, options: ResolvedOptions) {
    this.#createStore = createStore;
    this.#options = options;
  }

  /** Makes the store, makes sure it is empty and able to run the check, then runs it. */
  async run(check: ConformanceCheck): Promise<void> {
    const store = await this.#openFresh();
    const capability = skipForStore(check.requires, this.#options, store);
    if (capability !== null && 'skip' in capability) throw new CheckSkipped(capability.skip);
    if (capability !== null) throw new CheckFailure(capability.declaredMissing);

    await check.run(this.#context(store));
  }

  /** Releases every store the check opened; says what went wrong, if anything did. */
  async cleanup(): Promise<string | undefined> {
    const problems: string[] = [];
    const attempt = async (what: string, step: () => unknown): Promise<void> => {
      const timeoutMs = this.#options.timeoutMs;
      const timedOut = () => new Error(`no answer within ${timeoutMs} ms`);
      try {
        await withTimeout(Promise.resolve().then(step), timeoutMs, timedOut);
      } catch (error) {
        problems.push(`${what}: ${describeError(error)}`);
      }
    };

    const stores = [...this.#opened].reverse();
    const custom = this.#options.cleanup;
    if (custom !== undefined) {
      for (const store of stores) await attempt('options.cleanup', () => custom(store));
    } else {
      await this.#defaultCleanup(stores, attempt);
    }
    return problems.length === 0 ? undefined : problems.join('; ');
  }

  /** Without `options.cleanup`: delete the kit's tokens, then close every store. */
  async #defaultCleanup(
    stores: TokenStore[],
    attempt: (what: string, step: () => unknown) => Promise<void>,
  ): Promise<void> {
    if (this.#startedEmpty) await attempt('deleting the kit tokens', () => this.#deleteKitTokens());

    for (const store of stores) {
      // After a simulated outage closing may fail for the same reason; that is expected.
      if (this.#broken) await Promise.resolve(store.close?.()).catch(() => undefined);
      else await attempt('close', () => store.close?.());
    }
  }

  async #openFresh(): Promise<TokenStore> {
    const store = await this.tracker.track('createStore', this.#createStore);
    if (store === null || typeof store !== 'object') {
      throw new CheckFailure(`createStore returned ${describeValue(store)}, not a store`);
    }
    this.#opened.push(store);

    const tokens = await tracedStore(store, this.tracker).getTokens();
    if (!Array.isArray(tokens)) {
      throw new CheckFailure(`getTokens on the fresh store returned ${describeValue(tokens)}`);
    }
    if (tokens.length > 0) {
      throw new CheckFailure(
        `the fresh store already holds ${tokens.length} tokens; the kit runs only on an empty ` +
          'store and left it untouched',
        NOT_EMPTY_HINT,
      );
    }
    this.#startedEmpty = true;
    return store;
  }

  /** The tokens left are the check's own: the store was empty when it began. */
  async #deleteKitTokens(): Promise<void> {
    const primary = this.#opened[0]!;
    try {
      await primary.deleteTokens();
    } catch {
      // The check closed or broke its store; a new one on the same backing can still delete.
      const fresh = await this.#createStore();
      await fresh.deleteTokens();
      await fresh.close?.();
    }
  }

  #context(primary: TokenStore): CheckContext {
    const options = this.#options;
    return {
      store: tracedStore(primary, this.tracker),
      original: primary,
      canReopen: options.reopen !== undefined,
      reopen: async () => {
        const reopen = required(options.reopen, 'reopen');
        const store = await this.tracker.track('options.reopen', () => reopen(primary));
        this.#opened.push(store);
        return tracedStore(store, this.tracker);
      },
      breakStore: async () => {
        const breakStore = required(options.breakStore, 'breakStore');
        this.#broken = true;
        await this.tracker.track('options.breakStore', () => breakStore(primary));
      },
      rawRead: (): Promise<RawRow[]> => {
        const rawRead = required(options.rawRead, 'rawRead');
        return this.tracker.track('options.rawRead', () => rawRead(primary));
      },
      callTimeoutMs: Math.max(250, Math.floor(options.timeoutMs / 8)),
      leaseTtlMs: options.leaseTtlMs,
      uniqueKey: (name) => `zoho-tokens-kit:${name}:${randomUUID().slice(0, 8)}`,
    };
  }
}

function required<T>(hook: T | undefined, name: string): T {
  if (hook === undefined) throw new CheckFailure(`the check needs options.${name}`);

  return hook;
}

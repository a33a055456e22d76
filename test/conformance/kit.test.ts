import { afterAll, describe, expect, it } from 'vitest';
import {
  type CheckResult,
  CONFORMANCE_CHECKS,
  type ConformanceReport,
  verifyTokenStore,
} from '../../src/conformance/index.js';
import { isZohoTokensError } from '../../src/errors.js';
import { MemoryStore } from '../../src/store/memory/memory-store.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { TokenStore } from '../../src/store/token-store.js';
import { OAuthToken } from '../../src/token/oauth-token.js';

function byStatus(report: ConformanceReport, status: CheckResult['status']): string[] {
  return report.results.filter((result) => result.status === status).map((result) => result.id);
}

function resultOf(report: ConformanceReport, id: string): CheckResult {
  return report.results.find((result) => result.id === id)!;
}

/** A memory store whose `method` never answers. */
function hangingIn(method: keyof TokenStore): TokenStore {
  const store = new MemoryStore();
  Object.assign(store, { [method]: () => new Promise(() => {}) });
  return store;
}

/** A memory store answering plain records instead of tokens. */
class PlainRecordStore extends MemoryStore {
  override async saveToken(token: OAuthToken) {
    return (await super.saveToken(token)).toFields() as unknown as OAuthToken;
  }
  override async findToken(query: Parameters<MemoryStore['findToken']>[0]) {
    return ((await super.findToken(query))?.toFields() ?? null) as OAuthToken | null;
  }
  override async findTokenById(id: string) {
    return ((await super.findTokenById(id))?.toFields() ?? null) as OAuthToken | null;
  }
  override async getTokens() {
    return (await super.getTokens()).map((token) => token.toFields()) as unknown as OAuthToken[];
  }
}

/** The Auth.js mistake: every failure caught and answered as "nothing there". */
class SwallowingStore extends SqliteStore {
  override async findToken(query: Parameters<SqliteStore['findToken']>[0]) {
    return super.findToken(query).catch(() => null);
  }
  override async findTokenById(id: string) {
    return super.findTokenById(id).catch(() => null);
  }
  override async getTokens() {
    return super.getTokens().catch(() => []);
  }
  override async saveToken(token: OAuthToken) {
    return super.saveToken(token).catch(() => token);
  }
  override async deleteToken(id: string) {
    return super.deleteToken(id).catch(() => undefined);
  }
  override async deleteTokens() {
    return super.deleteTokens().catch(() => undefined);
  }
}

describe('the report', () => {
  const stores: TokenStore[] = [];
  afterAll(async () => {
    for (const store of stores) await store.close?.();
  });

  it('lists every check once, with what was expected, what happened and a hint', async () => {
    const report = await verifyTokenStore(() => new MemoryStore());

    const ids = report.results.map((result) => result.id);
    expect(ids).toEqual(CONFORMANCE_CHECKS.map((check) => check.id));
    expect(new Set(ids).size).toBe(ids.length);
    for (const result of report.results) {
      expect(result.id).toMatch(/^[a-z]+\.[a-z-]+$/);
      for (const text of [result.title, result.expected, result.actual, result.hint]) {
        expect(text.length).toBeGreaterThan(10);
      }
    }
    expect(report.passed + report.failed + report.skipped).toBe(ids.length);
    expect(report.ok).toBe(true);
  });

  it('skips only the capabilities a store lacks and did not declare', async () => {
    const report = await verifyTokenStore(() => new MemoryStore(), {
      capabilities: { leases: true },
      only: ['lease.exclusive', 'close.resolves', 'cas.stale-version', 'get.empty'],
    });

    expect(byStatus(report, 'failed')).toEqual(['lease.exclusive']);
    expect(resultOf(report, 'lease.exclusive').actual).toBe(
      'capabilities.leases is declared but the store has no acquireLease()',
    );
    expect(byStatus(report, 'skipped')).toEqual(['cas.stale-version', 'close.resolves']);
    expect(resultOf(report, 'cas.stale-version').actual).toMatch(/capabilities\.compareAndSave/);
    expect(byStatus(report, 'passed')).toEqual(['get.empty']);
  });

  it('skips a capability the store has when it is declared false', async () => {
    const report = await verifyTokenStore(() => new SqliteStore({ path: ':memory:' }), {
      capabilities: { leases: false },
      only: ['lease.exclusive', 'close.resolves'],
    });

    expect(byStatus(report, 'skipped')).toEqual(['lease.exclusive']);
    expect(byStatus(report, 'passed')).toEqual(['close.resolves']);
  });

  it('refuses an unknown check id', async () => {
    const verifying = verifyTokenStore(() => new MemoryStore(), { only: ['match.nothing'] });

    await expect(verifying).rejects.toSatisfy((error) =>
      isZohoTokensError(error, 'ERR_INVALID_ARGUMENT'),
    );
  });

  it('fails a store answering plain records on the token-object check only', async () => {
    const report = await verifyTokenStore(() => new PlainRecordStore(), {
      capabilities: { compareAndSave: true },
    });

    expect(byStatus(report, 'failed')).toEqual(['contract.token-objects']);
    expect(resultOf(report, 'contract.token-objects').actual).toMatch(
      /saveToken for user ada@example\.com gave token "1" .* without with, fillFrom, isExpired, toFields\(\)/,
    );
  });

  it('fails a store that answers null or [] when its backend is down', async () => {
    const report = await verifyTokenStore(
      () => {
        const store = new SwallowingStore({ path: ':memory:' });
        stores.push(store);
        return store;
      },
      {
        breakStore: (store) => (store as SqliteStore).db.close(),
        only: ['failure.rejects', 'failure.typed-error', 'miss.null'],
      },
    );

    expect(byStatus(report, 'failed')).toEqual(['failure.rejects', 'failure.typed-error']);
    expect(resultOf(report, 'failure.rejects').actual).toMatch(
      /^with the backend down: findToken resolved to null; findTokenById resolved to null; saveToken resolved to token null .*getTokens resolved to \[\]; deleteToken resolved to undefined; deleteTokens resolved to undefined$/,
    );
  });
});

describe('a store that is not fresh and empty', () => {
  it('is left untouched: the check fails before writing anything', async () => {
    const store = new MemoryStore();
    await store.saveToken(new OAuthToken({ userSignature: 'real@example.com', refreshToken: 'r' }));

    const report = await verifyTokenStore(() => store, { only: ['delete.all', 'get.empty'] });

    expect(byStatus(report, 'failed')).toEqual(['get.empty', 'delete.all']);
    expect(resultOf(report, 'delete.all').actual).toBe(
      'the fresh store already holds 1 tokens; the kit runs only on an empty store and left it untouched',
    );
    expect(resultOf(report, 'delete.all').hint).toMatch(/createStore must give a fresh, empty/);
    expect((await store.getTokens()).map((token) => token.userSignature)).toEqual([
      'real@example.com',
    ]);
  });

  it('is reused safely when it starts empty: the kit deletes what each check wrote', async () => {
    const shared = new MemoryStore();

    const report = await verifyTokenStore(() => shared);

    expect(byStatus(report, 'failed')).toEqual([]);
    expect(await shared.getTokens()).toEqual([]);
  });
});

describe('a store that hangs', () => {
  it('fails each check at its timeout, naming the call it waits for', async () => {
    const report = await verifyTokenStore(() => hangingIn('saveToken'), {
      timeoutMs: 200,
      only: ['save.same-user', 'concurrency.distinct-users', 'get.empty'],
    });

    expect(byStatus(report, 'failed')).toEqual(['save.same-user', 'concurrency.distinct-users']);
    expect(resultOf(report, 'save.same-user').actual).toBe(
      'no answer within 200 ms; still waiting for saveToken',
    );
    expect(resultOf(report, 'concurrency.distinct-users').actual).toBe(
      'no answer within 200 ms; still waiting for saveToken ×50',
    );
    expect(resultOf(report, 'save.same-user').hint).toMatch(/resolve or reject/);
    expect(byStatus(report, 'passed')).toEqual(['get.empty']);
  });

  it('fails when the store hangs while the backend is down', async () => {
    const report = await verifyTokenStore(() => new MemoryStore(), {
      timeoutMs: 800,
      breakStore: (store) => Object.assign(store, { getTokens: () => new Promise(() => {}) }),
      cleanup: () => {},
      only: ['failure.rejects'],
    });

    expect(resultOf(report, 'failure.rejects').actual).toMatch(
      /getTokens did not settle within 250 ms/,
    );
  });
});

describe('a store raising an error nothing handles', () => {
  it('fails the check in which it happened', async () => {
    class CrashingStore extends MemoryStore {
      override async deleteToken(id: string): Promise<void> {
        // A driver's 'error' event without a listener: thrown outside any promise.
        setImmediate(() => {
          throw new Error('connection lost');
        });
        await super.deleteToken(id);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }

    const report = await verifyTokenStore(() => new CrashingStore(), {
      only: ['delete.one', 'get.empty'],
    });

    expect(byStatus(report, 'failed')).toEqual(['delete.one']);
    expect(resultOf(report, 'delete.one').actual).toBe(
      'the store raised an error nothing handled: Error connection lost',
    );
  });
});

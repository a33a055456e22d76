import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type MigrationProgress, migrateTokens } from '../../src/migrate/migrate.js';
import { tokensChecksum } from '../../src/migrate/token-checksum.js';
import { MemoryStore } from '../../src/store/memory/memory-store.js';
import type { TokenStore } from '../../src/store/token-store.js';
import { OAuthToken } from '../../src/token/oauth-token.js';
import { canonicalTokens, closeAll, fixtureCopy, open, tempDir } from './migrate-helpers.js';

afterEach(closeAll);

async function kaizenSource(dir: string): Promise<TokenStore> {
  return open(`sqlite:${fixtureCopy('kaizen192-sqlite-store.db', dir)}`);
}

/** A target that loses every redirect URL it is given: a store that drops a field. */
class ForgetfulStore extends MemoryStore {
  override async saveToken(token: OAuthToken): Promise<OAuthToken> {
    return super.saveToken(token.with({ redirectUrl: null }));
  }
}

describe('migrateTokens', () => {
  it('is safe to run twice: the second run finds every token unchanged', async () => {
    const dir = tempDir();
    const source = await kaizenSource(dir);
    const target = await open(`file:${join(dir, 'sdk_tokens.csv')}`);

    const first = await migrateTokens({ from: source, to: target });
    const afterFirst = await canonicalTokens(target);
    const second = await migrateTokens({ from: source, to: target });

    expect(first).toMatchObject({ copied: 2, updated: 0, unchanged: 0, verified: true });
    expect(second).toMatchObject({ copied: 0, updated: 0, unchanged: 2, verified: true });
    expect(second.checksum).toBe(first.checksum);
    expect(await canonicalTokens(target)).toEqual(afterFirst);
    expect(await target.getTokens()).toHaveLength(2);
  });

  it('updates a token the target holds with other values, by id, and clears what the source lacks', async () => {
    const dir = tempDir();
    const source = await kaizenSource(dir);
    const target = await open(`sqlite:${join(dir, 'target.db')}`);
    await migrateTokens({ from: source, to: target });

    const alice = (await source.findTokenById('1'))!;
    await source.saveToken(alice.with({ accessToken: '1000.atalice.refreshed', expiresAt: 1 }));
    const bob = (await target.findTokenById('2'))!;
    await target.saveToken(bob.with({ grantToken: '1000.grant.only.in.target' }));

    const report = await migrateTokens({ from: source, to: target });

    expect(report).toMatchObject({ copied: 0, updated: 2, unchanged: 0, verified: true });
    expect(await canonicalTokens(target)).toEqual(await canonicalTokens(source));
    expect((await target.findTokenById('1'))?.accessToken).toBe('1000.atalice.refreshed');
    expect((await target.findTokenById('2'))?.grantToken).toBeNull();
  });

  it('writes nothing in a dry run, and says what it would do', async () => {
    const dir = tempDir();
    const source = await kaizenSource(dir);
    const target = await open(`sqlite:${join(dir, 'target.db')}`);
    await target.saveToken(new OAuthToken({ id: '1', userSignature: 'x', refreshToken: 'rt-x' }));
    const before = await canonicalTokens(target);

    const report = await migrateTokens({ from: source, to: target, dryRun: true });

    expect(report).toMatchObject({ dryRun: true, copied: 1, updated: 1, verified: false });
    expect(report.mismatched).toEqual(['1', '2']);
    expect(await canonicalTokens(target)).toEqual(before);
  });

  it('reports a target that does not keep what it was given', async () => {
    const source = await kaizenSource(tempDir());
    const target = new ForgetfulStore();

    const report = await migrateTokens({ from: source, to: target });

    expect(report).toMatchObject({ copied: 2, total: 2, targetTotal: 2, verified: false });
    expect(report.targetChecksum).not.toBe(report.checksum);
    expect(report.checksum).toBe(tokensChecksum(await source.getTokens()));
    expect(report.mismatched).toEqual(['1', '2']);
  });

  it('reports tokens only the target has, and leaves them', async () => {
    const source = await kaizenSource(tempDir());
    const target = new MemoryStore();
    await target.saveToken(new OAuthToken({ id: '9', userSignature: 'z', refreshToken: 'rt-z' }));

    const report = await migrateTokens({ from: source, to: target });

    expect(report).toMatchObject({ copied: 2, targetTotal: 3, verified: false, mismatched: [] });
    expect(report.extra).toEqual(['9']);
    expect(await target.findTokenById('9')).not.toBeNull();
  });

  it('refuses, before writing, a user the target holds under another id', async () => {
    const source = await kaizenSource(tempDir());
    const target = new MemoryStore();
    const alice = (await source.findTokenById('1'))!;
    await target.saveToken(alice.with({ id: '5', version: null }));

    await expect(migrateTokens({ from: source, to: target })).rejects.toMatchObject({
      code: 'ERR_STORE_CONFLICT',
    });
    expect((await target.getTokens()).map((token) => token.id)).toEqual(['5']);
  });

  it('refuses a source that holds one id twice', async () => {
    const twice = new OAuthToken({ id: '1', refreshToken: 'rt' });
    const source = Object.assign(new MemoryStore(), { getTokens: async () => [twice, twice] });

    await expect(migrateTokens({ from: source, to: new MemoryStore() })).rejects.toMatchObject({
      code: 'ERR_STORE_CORRUPT',
    });
  });

  it('reports progress after every token, in id order', async () => {
    const source = new MemoryStore();
    for (const id of ['10', '2', '1']) {
      await source.saveToken(new OAuthToken({ id, refreshToken: `rt-${id}` }));
    }
    const seen: MigrationProgress[] = [];

    await migrateTokens({ from: source, to: new MemoryStore(), onProgress: (p) => seen.push(p) });

    expect(seen).toEqual([
      { done: 1, total: 3, id: '1', outcome: 'copied' },
      { done: 2, total: 3, id: '2', outcome: 'copied' },
      { done: 3, total: 3, id: '10', outcome: 'copied' },
    ]);
  });

  it('refuses to migrate a store into itself', async () => {
    const store = new MemoryStore();

    await expect(migrateTokens({ from: store, to: store })).rejects.toMatchObject({
      code: 'ERR_INVALID_ARGUMENT',
    });
  });
});

import { createServer, type Server } from 'node:net';
import type pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ZohoTokensError } from '../../../src/errors.js';
import { PostgresStore } from '../../../src/store/postgres/postgres-store.js';
import { OutageProxy } from '../../conformance/outage-proxy.js';
import { describeWithService, SERVICES } from '../../support/services.js';
import {
  freezableRelay,
  postgresAdmin,
  postgresUrl,
  uniqueName,
  userToken,
} from '../sql/sql-helpers.js';

const describe = await describeWithService('postgres');
const SCHEMA = uniqueName('pg_failures');

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A server that accepts connections and never says a word (a hung or firewalled database). */
async function silentServer(): Promise<Server> {
  const server = createServer(() => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

async function failureOf(promise: Promise<unknown>): Promise<ZohoTokensError> {
  const error = await promise.then(
    () => new Error('expected a failure'),
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ZohoTokensError);
  return error as ZohoTokensError;
}

/**
 * The backend of the store's session once it waits on a row lock. (Its `query` column may still
 * show the previous statement: with the extended protocol pg_stat_activity can lag.)
 */
async function waitForBlockedBackend(admin: pg.Client): Promise<number> {
  for (let i = 0; i < 200; i++) {
    const { rows } = await admin.query(
      `SELECT pid FROM pg_stat_activity
       WHERE application_name = 'zoho-tokens' AND wait_event_type = 'Lock'`,
    );
    if (rows[0] !== undefined) return Number(rows[0].pid);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('no store backend waits on a lock');
}

async function lockRow(user: string): Promise<pg.Client> {
  const admin = await postgresAdmin();
  await admin.query('BEGIN');
  await admin.query(`SELECT * FROM ${SCHEMA}.oauthtoken WHERE user_name = $1 FOR UPDATE`, [user]);
  return admin;
}

describe('PostgresStore when the server fails', () => {
  const url = postgresUrl(SCHEMA, 'oauthtoken', { queryTimeoutMs: 1000 });

  beforeAll(async () => {
    const admin = await postgresAdmin();
    await admin.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
    await admin.end();
  });

  afterAll(async () => {
    const admin = await postgresAdmin();
    await admin.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
    await admin.end();
  });

  it('rejects with ERR_STORE_UNAVAILABLE when nothing listens, without the password', async () => {
    const port = await closedPort();
    const store = new PostgresStore({
      host: '127.0.0.1',
      port,
      password: 'hunter2',
      connectTimeoutMs: 2000,
    });

    const started = Date.now();
    const failures = await Promise.all(
      Array.from({ length: 15 }, () => failureOf(store.findToken({ userSignature: 'ada' }))),
    );

    expect(Date.now() - started).toBeLessThan(2000);
    for (const failure of failures) {
      expect(failure.code).toBe('ERR_STORE_UNAVAILABLE');
      expect(failure.message).not.toContain('hunter2');
      expect((failure.cause as { code?: string }).code).toBe('ECONNREFUSED');
    }
    await store.close();
  });

  it('gives up on a server that never answers after connectTimeoutMs', async () => {
    const server = await silentServer();
    const { port } = server.address() as { port: number };
    const store = new PostgresStore({ host: '127.0.0.1', port, connectTimeoutMs: 800 });

    const started = Date.now();
    const failure = await failureOf(store.getTokens());

    expect(failure.code).toBe('ERR_STORE_UNAVAILABLE');
    expect(Date.now() - started).toBeGreaterThanOrEqual(700);
    expect(Date.now() - started).toBeLessThan(800 + 1500);
    await store.close();
    server.close();
  });

  it('bounds a statement stuck on a lock by queryTimeoutMs, then works again', async () => {
    const store = PostgresStore.fromUrl(url);
    await store.saveToken(userToken('locked'));
    const admin = await lockRow('locked');

    const started = Date.now();
    const failure = await failureOf(
      store.saveToken(userToken('locked', { accessToken: 'at-2' })),
    ).finally(async () => {
      await admin.query('COMMIT');
      await admin.end();
    });
    const waitedMs = Date.now() - started;

    expect(failure.code).toBe('ERR_STORE_UNAVAILABLE');
    expect(failure.message).toContain('57014');
    expect(waitedMs).toBeLessThan(1000 + 1500);
    const saved = await store.saveToken(userToken('locked', { accessToken: 'at-3' }));
    expect((await store.findTokenById(saved.id!))?.accessToken).toBe('at-3');
    await store.close();
  });

  it('reports a backend terminated mid-save (57P01) as ERR_STORE_UNAVAILABLE, then reconnects', async () => {
    const store = PostgresStore.fromUrl(url);
    await store.saveToken(userToken('terminated'));
    const admin = await lockRow('terminated');

    const saving = failureOf(store.saveToken(userToken('terminated', { accessToken: 'at-2' })));
    let failure: ZohoTokensError;
    try {
      const victim = await waitForBlockedBackend(admin);
      await admin.query('SELECT pg_terminate_backend($1)', [victim]);
      failure = await saving;
    } finally {
      await admin.query('COMMIT');
      await admin.end();
    }

    expect(failure.code).toBe('ERR_STORE_UNAVAILABLE');
    expect(failure.message).toContain('57P01');
    const saved = await store.saveToken(userToken('terminated', { accessToken: 'at-3' }));
    expect((await store.findTokenById(saved.id!))?.accessToken).toBe('at-3');
    await store.close();
  });

  it('survives every pooled connection being terminated while idle', async () => {
    const store = PostgresStore.fromUrl(url);
    await Promise.all(Array.from({ length: 20 }, () => store.getTokens()));
    const admin = await postgresAdmin();
    const { rows } = await admin.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
       WHERE application_name = 'zoho-tokens' AND datname = current_database() AND state = 'idle'`,
    );
    await admin.end();
    await new Promise((resolve) => setTimeout(resolve, 200));

    expect(rows.length).toBeGreaterThan(0);
    expect((await store.findToken({ userSignature: 'locked' }))?.accessToken).toBe('at-3');
    await store.close();
  });

  // Regression: a connection that drops while a store call holds it must reach that call as a
  // typed error, not as an unhandled 'error' event that ends the process.
  it('turns a connection cut under a running save into ERR_STORE_UNAVAILABLE', async () => {
    const proxy = await OutageProxy.start(SERVICES.postgres.port);
    const url = postgresUrl(SCHEMA, 'oauthtoken', { queryTimeoutMs: 5000 });
    const store = PostgresStore.fromUrl(
      url.replace(`:${SERVICES.postgres.port}/`, `:${proxy.port}/`),
    );
    await store.saveToken(userToken('cut'));
    const admin = await lockRow('cut');

    let failure: ZohoTokensError;
    try {
      const saving = failureOf(store.saveToken(userToken('cut', { accessToken: 'at-2' })));
      await new Promise((resolve) => setTimeout(resolve, 300));
      await proxy.cut();
      failure = await saving;
    } finally {
      await admin.query('COMMIT');
      await admin.end();
    }

    expect(failure.code).toBe('ERR_STORE_UNAVAILABLE');
    const afterwards = await failureOf(store.getTokens());
    expect(afterwards.code).toBe('ERR_STORE_UNAVAILABLE');
    await store.close();
  });

  it('gives up within the query timeout on a server that stops answering mid-session', async () => {
    const relay = await freezableRelay(SERVICES.postgres.port);
    const relayed = postgresUrl(SCHEMA, 'oauthtoken', { queryTimeoutMs: 1000 }).replace(
      `:${SERVICES.postgres.port}/`,
      `:${relay.port}/`,
    );
    const store = PostgresStore.fromUrl(relayed);
    await store.getTokens();

    relay.freeze();
    const started = Date.now();
    const failure = await failureOf(store.findToken({ userSignature: 'anyone' }));

    expect(failure.code).toBe('ERR_STORE_UNAVAILABLE');
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(Date.now() - started).toBeLessThan(1000 + 2000);
    await relay.close();
    await store.close();
  });

  it('rejects every call after close with ERR_STORE_UNAVAILABLE', async () => {
    const store = PostgresStore.fromUrl(url);
    await store.getTokens();
    await store.close();
    await store.close();

    const failure = await failureOf(store.findTokenById('1'));
    expect(failure.code).toBe('ERR_STORE_UNAVAILABLE');
  });
});

import { createServer, type Server } from 'node:net';
import type mysql from 'mysql2/promise';
import { afterAll, beforeAll, expect, it, describe as plainDescribe } from 'vitest';
import { isZohoTokensError, ZohoTokensError } from '../../../src/errors.js';
import { MysqlStore } from '../../../src/store/mysql/mysql-store.js';
import { importDriver } from '../../../src/store/sql/sql-driver.js';
import { OutageProxy } from '../../conformance/outage-proxy.js';
import { describeWithService, SERVICES } from '../../support/services.js';
import { freezableRelay, mysqlAdmin, mysqlUrl, uniqueName, userToken } from '../sql/sql-helpers.js';

const describe = await describeWithService('mysql');
const DATABASE = uniqueName('mysql_failures');

/** A loopback port where nothing listens: taken from the OS, then given back. */
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

/** Waits until the server shows a statement of the store's database matching `pattern`. */
async function waitForStatement(admin: mysql.Connection, pattern: string): Promise<number> {
  for (let i = 0; i < 200; i++) {
    const [rows] = await admin.query<mysql.RowDataPacket[]>(
      `SELECT ID AS id FROM information_schema.PROCESSLIST
       WHERE DB = ? AND ID <> CONNECTION_ID() AND INFO LIKE ?`,
      [DATABASE, pattern],
    );
    if (rows[0] !== undefined) return Number(rows[0].id);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`no statement like ${pattern}`);
}

describe('MysqlStore when the server fails', () => {
  const url = mysqlUrl(DATABASE, 'oauthtoken', { queryTimeoutMs: 1000 });

  beforeAll(async () => {
    const admin = await mysqlAdmin();
    await admin.query(`DROP DATABASE IF EXISTS ${DATABASE}`);
    await admin.end();
  });

  afterAll(async () => {
    const admin = await mysqlAdmin();
    await admin.query(`DROP DATABASE IF EXISTS ${DATABASE}`);
    await admin.end();
  });

  it('rejects with ERR_STORE_UNAVAILABLE when nothing listens, without the password', async () => {
    const port = await closedPort();
    const store = new MysqlStore({
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
    const store = new MysqlStore({ host: '127.0.0.1', port, connectTimeoutMs: 800 });

    const started = Date.now();
    const failure = await failureOf(store.getTokens());

    expect(failure.code).toBe('ERR_STORE_UNAVAILABLE');
    expect(Date.now() - started).toBeGreaterThanOrEqual(700);
    expect(Date.now() - started).toBeLessThan(800 + 1500);
    await store.close();
    server.close();
  });

  it('bounds a statement stuck on a lock by queryTimeoutMs, then works again', async () => {
    const store = MysqlStore.fromUrl(url);
    await store.saveToken(userToken('locked'));
    const admin = await mysqlAdmin(DATABASE);
    await admin.query('START TRANSACTION');
    await admin.query("SELECT * FROM oauthtoken WHERE user_name = 'locked' FOR UPDATE");

    const started = Date.now();
    const failure = await failureOf(
      store.saveToken(userToken('locked', { accessToken: 'at-2' })),
    ).finally(async () => {
      await admin.query('COMMIT');
      await admin.end();
    });
    const waitedMs = Date.now() - started;

    expect(failure.code).toBe('ERR_STORE_UNAVAILABLE');
    expect(waitedMs).toBeLessThan(1000 + 1500);
    const saved = await store.saveToken(userToken('locked', { accessToken: 'at-3' }));
    expect((await store.findTokenById(saved.id!))?.accessToken).toBe('at-3');
    await store.close();
  });

  it('reports a connection killed mid-save as ERR_STORE_UNAVAILABLE, then reconnects', async () => {
    const store = MysqlStore.fromUrl(url);
    await store.saveToken(userToken('killed'));
    const admin = await mysqlAdmin(DATABASE);
    await admin.query('START TRANSACTION');
    await admin.query("SELECT * FROM oauthtoken WHERE user_name = 'killed' FOR UPDATE");

    const saving = failureOf(store.saveToken(userToken('killed', { accessToken: 'at-2' })));
    let failure: ZohoTokensError;
    try {
      const victim = await waitForStatement(admin, '%FOR UPDATE%');
      await admin.query(`KILL CONNECTION ${victim}`);
      failure = await saving;
    } finally {
      await admin.query('COMMIT');
      await admin.end();
    }

    expect(failure.code).toBe('ERR_STORE_UNAVAILABLE');
    // The connection died under the statement; the query timeout (1000 ms) did not fire first.
    expect(failure.message).toContain('PROTOCOL_CONNECTION_LOST');
    const saved = await store.saveToken(userToken('killed', { accessToken: 'at-3' }));
    expect((await store.findTokenById(saved.id!))?.accessToken).toBe('at-3');
    expect(await store.getTokens()).toHaveLength(2);
    await store.close();
  });

  it('survives every pooled connection being killed while idle', async () => {
    const store = MysqlStore.fromUrl(url);
    await Promise.all(Array.from({ length: 20 }, () => store.getTokens()));
    const admin = await mysqlAdmin(DATABASE);
    const [connections] = await admin.query<mysql.RowDataPacket[]>(
      'SELECT ID AS id FROM information_schema.PROCESSLIST WHERE DB = ? AND ID <> CONNECTION_ID()',
      [DATABASE],
    );
    for (const row of connections) await admin.query(`KILL CONNECTION ${Number(row.id)}`);
    await admin.end();
    await new Promise((resolve) => setTimeout(resolve, 200));

    expect(connections.length).toBeGreaterThan(0);
    const found = await store.findToken({ userSignature: 'locked' });
    expect(found?.accessToken).toBe('at-3');
    await store.close();
  });

  // Regression: a connection that drops while a store call holds it must reach that call as a
  // typed error, not as an unhandled 'error' event that ends the process.
  it('turns a connection cut under a running save into ERR_STORE_UNAVAILABLE', async () => {
    const proxy = await OutageProxy.start(SERVICES.mysql.port);
    const url = mysqlUrl(DATABASE, 'oauthtoken', { queryTimeoutMs: 5000 });
    const store = MysqlStore.fromUrl(url.replace(`:${SERVICES.mysql.port}/`, `:${proxy.port}/`));
    await store.saveToken(userToken('cut'));
    const admin = await mysqlAdmin(DATABASE);
    await admin.query('START TRANSACTION');
    await admin.query("SELECT * FROM oauthtoken WHERE user_name = 'cut' FOR UPDATE");

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
    const relay = await freezableRelay(SERVICES.mysql.port);
    const relayed = mysqlUrl(DATABASE, 'oauthtoken', { queryTimeoutMs: 1000 }).replace(
      `:${SERVICES.mysql.port}/`,
      `:${relay.port}/`,
    );
    const store = MysqlStore.fromUrl(relayed);
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
    const store = MysqlStore.fromUrl(url);
    await store.getTokens();
    await store.close();
    await store.close();

    const failure = await failureOf(store.findTokenById('1'));
    expect(failure.code).toBe('ERR_STORE_UNAVAILABLE');
  });
});

plainDescribe('the SQL stores without their driver', () => {
  it('say which package to install', async () => {
    const missing = await importDriver(
      () => import(['zoho-tokens-no', 'such-driver'].join('-')),
      'mysql2',
      'mysql',
    ).catch((error: unknown) => error);

    expect(isZohoTokensError(missing, 'ERR_DEPENDENCY_MISSING')).toBe(true);
    expect((missing as Error).message).toContain('npm install mysql2');
  });
});

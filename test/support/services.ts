import { connect } from 'node:net';
import { describe } from 'vitest';

/** The real servers the integration suites use, overridable by environment variables. */
export const SERVICES = {
  mysql: {
    url: process.env.ZOHO_TOKENS_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test',
    port: 3306,
  },
  postgres: {
    url: process.env.ZOHO_TOKENS_TEST_POSTGRES_URL ?? 'postgres://root@127.0.0.1:5432/test',
    port: 5432,
  },
  redis: { url: process.env.ZOHO_TOKENS_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0', port: 6379 },
} as const;

export type ServiceName = keyof typeof SERVICES;

/** True when something accepts TCP connections on the service's port. */
export function isServiceUp(name: ServiceName, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port: SERVICES[name].port });
    const done = (up: boolean) => {
      socket.destroy();
      resolve(up);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * `describe` for a suite that needs a real server. Where the server is down the suite is skipped
 * with a visible notice, except in CI (`CI=true`), where `.ci/run` starts every server and a
 * missing one must fail the run rather than hide.
 */
export async function describeWithService(name: ServiceName): Promise<typeof describe> {
  if (await isServiceUp(name)) return describe;
  if (process.env.CI === 'true') {
    throw new Error(`${name} is not running on 127.0.0.1:${SERVICES[name].port}; CI needs it`);
  }

  console.warn(`\n  NOTICE: ${name} is not running; its suites are skipped.\n`);
  return describe.skip as unknown as typeof describe;
}

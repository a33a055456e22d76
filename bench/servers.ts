import { connect } from 'node:net';

/**
 * The database servers of the project's machines (see DESIGN.md, "Services for tests"): MariaDB
 * as root without a password, PostgreSQL with trust auth, Redis. The official DBStore is pointed
 * at the same MariaDB.
 */
export const SERVERS = {
  mysql: { host: '127.0.0.1', port: 3306, user: 'root', password: '' },
  postgres: { host: '127.0.0.1', port: 5432, user: 'root' },
  redis: { host: '127.0.0.1', port: 6379, db: 0 },
} as const;

export type ServerName = keyof typeof SERVERS;

/** True when something accepts TCP connections on the server's port. */
export function isServerUp(name: ServerName, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: SERVERS[name].host, port: SERVERS[name].port });
    const done = (up: boolean) => {
      socket.destroy();
      resolve(up);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

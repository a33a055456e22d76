import { once } from 'node:events';
import { connect, createServer, type Socket } from 'node:net';

/**
 * A TCP relay between a store and its real server, which a test can cut: every open
 * connection is dropped and new ones are refused, as when the database host goes away. This is
 * the fault the conformance kit's `breakStore` needs for the network stores; the server itself
 * keeps running for everyone else.
 */
export class OutageProxy {
  readonly #targetPort: number;
  readonly #sockets = new Set<Socket>();
  readonly #server = createServer((client) => this.#relay(client));
  #port = 0;

  private constructor(targetPort: number) {
    this.#targetPort = targetPort;
  }

  /** Starts relaying a free port of 127.0.0.1 to `targetPort` on 127.0.0.1. */
  static async start(targetPort: number): Promise<OutageProxy> {
    const proxy = new OutageProxy(targetPort);
    proxy.#server.listen(0, '127.0.0.1');
    await once(proxy.#server, 'listening');
    proxy.#port = (proxy.#server.address() as { port: number }).port;
    return proxy;
  }

  /** The port stores connect to. */
  get port(): number {
    return this.#port;
  }

  /** The outage: drop every connection, refuse new ones. Cutting twice is harmless. */
  async cut(): Promise<void> {
    if (!this.#server.listening) return;

    const closed = once(this.#server, 'close');
    this.#server.close();
    for (const socket of this.#sockets) socket.destroy();
    await closed;
  }

  #relay(client: Socket): void {
    const upstream = connect({ host: '127.0.0.1', port: this.#targetPort });
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    for (const socket of [client, upstream]) {
      this.#sockets.add(socket);
      socket.on('error', end).on('close', () => {
        this.#sockets.delete(socket);
        end();
      });
    }
    client.pipe(upstream).pipe(client);
  }
}

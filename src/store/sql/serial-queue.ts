/**
 * Runs tasks one at a time, in the order they were given.
 *
 * The SQL stores queue their saves here before taking a pooled connection: saves are serialised
 * across processes by a server lock anyway, so a burst of saves in one process would otherwise
 * park every pooled connection on that lock and starve the reads behind them.
 */
export class SerialQueue {
  #tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(task);
    // The next task waits for this one to settle either way; its failure reaches the caller
    // through `result`.
    this.#tail = result.catch(() => undefined);
    return result;
  }
}

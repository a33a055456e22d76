/**
 * At most one run of a task per key at a time: callers that arrive while a run is in flight get
 * its result (or its error) instead of starting another.
 */
export class SingleFlight<K, V> {
  readonly #inFlight = new Map<K, Promise<V>>();

  /** The result of the run in flight for `key`, or of a new run of `task`. */
  run(key: K, task: () => Promise<V>): Promise<V> {
    const running = this.#inFlight.get(key);
    if (running !== undefined) return running;

    const started = task().finally(() => this.#inFlight.delete(key));
    this.#inFlight.set(key, started);
    return started;
  }

  /** True when a run for `key` is in flight. */
  has(key: K): boolean {
    return this.#inFlight.has(key);
  }
}

/** How often waits are checked: a timeout fires at most this much late. */
const TICK_MS = 50;

interface Deadline {
  at: number;
  expire: () => void;
}

/**
 * Timeouts for many short waits under one timer. A timer per query (what mysql2's own `timeout`
 * option sets up) costs more than the rest of a pooled lookup; here each wait is an entry in a
 * set, checked every 50 ms by a single unref'd interval that stops when nothing is waiting.
 */
export class Deadlines {
  readonly #pending = new Set<Deadline>();
  #timer: NodeJS.Timeout | null = null;

  /** Calls `expire` once `ms` have passed, unless the returned cancel function ran first. */
  watch(ms: number, expire: () => void): () => void {
    const deadline: Deadline = { at: Date.now() + ms, expire };
    this.#pending.add(deadline);
    this.#timer ??= setInterval(() => this.#check(), TICK_MS).unref();
    return () => {
      this.#pending.delete(deadline);
    };
  }

  /**
   * Settles like `work`, or rejects with `onTimeout()` once `ms` have passed; `abandon` then
   * runs, to stop the work (for a query: destroy its connection).
   */
  race<T>(work: Promise<T>, ms: number, onTimeout: () => Error, abandon: () => void): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const cancel = this.watch(ms, () => {
        reject(onTimeout());
        abandon();
      });
      work.then(
        (value) => {
          cancel();
          resolve(value);
        },
        (error: unknown) => {
          cancel();
          reject(error);
        },
      );
    });
  }

  #check(): void {
    const now = Date.now();
    for (const deadline of this.#pending) {
      if (deadline.at > now) continue;
      this.#pending.delete(deadline);
      deadline.expire();
    }
    if (this.#pending.size === 0 && this.#timer !== null) {
      clearInterval(this.#timer);
      this.#timer = null;
    }
  }
}

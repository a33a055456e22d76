/**
 * Watches for errors nothing handled while a check runs: an `'error'` event without a listener
 * (a database client whose connection dropped) or a rejected promise nobody awaited. Either one
 * ends a Node process, so a store that raises one fails the check instead of killing the run.
 */
export class UncaughtWatch {
  readonly errors: unknown[] = [];
  readonly #record = (error: unknown): void => {
    this.errors.push(error);
  };

  /** Starts listening; `stop()` must follow. */
  start(): this {
    process.on('uncaughtException', this.#record);
    process.on('unhandledRejection', this.#record);
    return this;
  }

  stop(): void {
    process.off('uncaughtException', this.#record);
    process.off('unhandledRejection', this.#record);
  }
}

/**
 * The emulator's notion of now. Grant-code expiry, access-token expiry and the refresh
 * limit window all read it, so a test can jump ten minutes without waiting.
 */
export class EmulatorClock {
  #offsetMs: number;
  readonly #onChange: () => void;

  /** `offsetMs` restores an offset saved by an earlier run; `onChange` hears every advance. */
  constructor(offsetMs = 0, onChange: () => void = () => {}) {
    if (!Number.isFinite(offsetMs) || offsetMs < 0) {
      throw new RangeError('clock offset must be a non-negative number');
    }
    this.#offsetMs = offsetMs;
    this.#onChange = onChange;
  }

  now(): number {
    return Date.now() + this.#offsetMs;
  }

  /** Moves the clock forward; it never goes back, so issued expiries stay ordered. */
  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) {
      throw new RangeError('advance_ms must be a non-negative number');
    }
    this.#offsetMs += ms;
    this.#onChange();
  }

  get offsetMs(): number {
    return this.#offsetMs;
  }
}

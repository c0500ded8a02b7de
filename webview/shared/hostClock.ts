/** Follows the host's clock (the model's `atMs`) so live views agree with event times even when the clocks differ or a recording is replayed. */
export class HostClock {
  #offsetMs = 0;
  #synced = false;

  constructor(private readonly localNow: () => number = () => Date.now()) {}

  /** The host said its time is `hostAtMs` now; never moves time backwards by more than the jitter of one message. */
  sync(hostAtMs: number): void {
    const offset = hostAtMs - this.localNow();
    this.#offsetMs = this.#synced ? Math.max(offset, this.#offsetMs - 50) : offset;
    this.#synced = true;
  }

  /** The host's time now, estimated. */
  now(): number {
    return this.localNow() + this.#offsetMs;
  }
}

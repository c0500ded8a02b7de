/** The model changes up to 20 times a second; a sidebar redrawn 10 times a second looks the same and clones half the snapshots. */
export const SIDEBAR_SNAPSHOT_INTERVAL_MS = 100;

/** Timers the throttle uses; injectable so tests drive them with fake timers. */
export interface ThrottleTimers {
  setTimeout(callback: () => void, delayMs: number): unknown;
  clearTimeout(handle: unknown): void;
  now(): number;
}

const realTimers: ThrottleTimers = {
  setTimeout: (callback, delayMs) => setTimeout(callback, delayMs),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
  now: () => Date.now(),
};

/**
 * Passes values on at most once per `intervalMs`, always ending with the latest: a value arriving sooner than
 * that replaces the one waiting, and goes out when the interval is up.
 */
export class LatestThrottle<T> {
  #pending: { value: T } | undefined;
  #timer: unknown;
  #lastSentMs = -Infinity;

  constructor(
    private readonly intervalMs: number,
    private readonly deliver: (value: T) => void,
    private readonly timers: ThrottleTimers = realTimers,
  ) {}

  push(value: T): void {
    this.#pending = { value };
    if (this.#timer !== undefined) return;
    const waitMs = this.#lastSentMs + this.intervalMs - this.timers.now();
    if (waitMs <= 0) this.flush();
    else this.#timer = this.timers.setTimeout(() => this.flush(), waitMs);
  }

  /** Drops what is waiting; nothing is delivered after this until the next push. */
  cancel(): void {
    if (this.#timer !== undefined) this.timers.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#pending = undefined;
  }

  private flush(): void {
    this.#timer = undefined;
    const pending = this.#pending;
    this.#pending = undefined;
    if (!pending) return;
    this.#lastSentMs = this.timers.now();
    this.deliver(pending.value);
  }
}

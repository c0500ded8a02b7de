/** Time and timers, injectable so tests drive them with fake timers; the model, the sidebar and the lenses share it. */
export interface Clock {
  now(): number;
  setTimeout(callback: () => void, delayMs: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** The process's own clock; its timers never keep the process alive. */
export const realClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, delayMs) => {
    const timer = setTimeout(callback, delayMs);
    timer.unref?.();
    return timer;
  },
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * Runs `action` at most once per `intervalMs` however often it is requested: the first request after a quiet
 * interval runs it on the next tick (so changes made in the same tick go together), later ones fold into one run
 * at the end of the interval. Nothing requested is ever dropped, except by `cancel`.
 */
export class Throttle {
  #timer: unknown;
  #lastRunMs = -Infinity;

  constructor(
    private readonly intervalMs: number,
    private readonly action: () => void,
    private readonly clock: Clock = realClock,
  ) {}

  /** Asks for a run: on the next tick after a quiet interval, else at the end of the current one. */
  request(): void {
    if (this.#timer !== undefined) return;
    const waitMs = Math.max(0, this.#lastRunMs + this.intervalMs - this.clock.now());
    this.#timer = this.clock.setTimeout(() => this.run(), waitMs);
  }

  /** Runs a requested action now instead of when its timer fires; does nothing when none is pending. */
  flush(): void {
    if (this.#timer === undefined) return;
    this.clock.clearTimeout(this.#timer);
    this.run();
  }

  /** Drops a pending run. */
  cancel(): void {
    if (this.#timer !== undefined) this.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  private run(): void {
    this.#timer = undefined;
    this.#lastRunMs = this.clock.now();
    this.action();
  }
}

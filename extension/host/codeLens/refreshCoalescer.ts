/** The timer functions a RefreshCoalescer uses; injectable so tests can drive them with fake timers. */
export interface CoalescerTimers {
  now(): number;
  setTimeout(callback: () => void, delayMs: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realTimers: CoalescerTimers = {
  now: () => Date.now(),
  setTimeout: (callback, delayMs) => setTimeout(callback, delayMs),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/**
 * Turns a stream of "something changed" requests into at most one refresh per `intervalMs`: the first
 * request after a quiet interval refreshes at once, later ones are folded into one refresh at the end of the interval.
 */
export class RefreshCoalescer {
  private lastRefreshMs = -Infinity;
  private pendingTimer: unknown;

  constructor(
    private readonly refresh: () => void,
    private readonly intervalMs: number,
    private readonly timers: CoalescerTimers = realTimers,
  ) {}

  /** Asks for a refresh; it happens now or at the end of the current interval, never twice within one. */
  request(): void {
    if (this.pendingTimer !== undefined) return;
    const waitMs = this.lastRefreshMs + this.intervalMs - this.timers.now();
    if (waitMs <= 0) {
      this.fire();
      return;
    }
    this.pendingTimer = this.timers.setTimeout(() => {
      this.pendingTimer = undefined;
      this.fire();
    }, waitMs);
  }

  /** Drops a pending refresh. */
  dispose(): void {
    if (this.pendingTimer !== undefined) this.timers.clearTimeout(this.pendingTimer);
    this.pendingTimer = undefined;
  }

  private fire(): void {
    this.lastRefreshMs = this.timers.now();
    this.refresh();
  }
}

/** How far back a "recent" figure looks: counts per minute, not totals that only ever grow. */
export const RECENT_WINDOW_MS = 60_000;

/**
 * How much a cumulative count (deadlocks, timeouts since the last clear) rose over the last window, from samples
 * of it taken whenever a snapshot arrives; a count that went down (Clear History) starts over.
 */
export class RecentIncrease {
  private readonly samples: Array<{ readonly atMs: number; readonly count: number }> = [];

  constructor(private readonly windowMs = RECENT_WINDOW_MS) {}

  /** Records the count at `atMs` and returns its rise within the window before it. */
  sample(atMs: number, count: number): number {
    if (this.samples.length > 0 && count < this.samples.at(-1)!.count) this.samples.length = 0;
    this.samples.push({ atMs, count });
    // Keep the newest sample at or before the window's start: the baseline the rise is measured from.
    while (this.samples.length > 1 && this.samples[1]!.atMs <= atMs - this.windowMs) this.samples.shift();
    return count - this.samples[0]!.count;
  }
}

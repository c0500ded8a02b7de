import type { LockCall } from './lockCall';
import { nowMs } from './nowMs';

/** A hold the watchdog can watch: whose it is, since when, and its links in the watched list (`Self` is the backend's hold type). */
export interface WatchedHold<Self> {
  readonly request: LockCall;
  readonly sinceMs: number;
  /** Neighbours in the watchdog's acquisition-ordered list of holds (only while subscribed). */
  olderWatched: Self | undefined;
  newerWatched: Self | undefined;
  watched: boolean;
}

/**
 * Watches holds for outlasting one threshold with a single timer: the watched holds form an intrusive list in
 * acquisition order, which is also deadline order since they share the threshold. Every lock backend uses it.
 */
export class LongHoldWatchdog<Hold extends WatchedHold<Hold>> {
  private oldestWatched: Hold | undefined = undefined;
  private newestWatched: Hold | undefined = undefined;
  private timer: ReturnType<typeof setTimeout> | undefined = undefined;

  constructor(
    private readonly thresholdMs: number,
    private readonly onLongHold: (hold: Hold, heldMs: number, atMs: number) => void,
  ) {}

  /** Starts watching a hold that has just begun; `onLongHold` runs once if it is still watched at the threshold. */
  watch(hold: Hold): void {
    hold.watched = true;
    hold.olderWatched = this.newestWatched;
    if (this.newestWatched === undefined) this.oldestWatched = hold;
    else this.newestWatched.newerWatched = hold;
    this.newestWatched = hold;
    if (this.timer === undefined) this.arm(this.thresholdMs);
  }

  /** Stops watching a hold: it ended, or it has been reported. */
  unwatch(hold: Hold): void {
    hold.watched = false;
    if (hold.olderWatched === undefined) this.oldestWatched = hold.newerWatched;
    else hold.olderWatched.newerWatched = hold.newerWatched;
    if (hold.newerWatched === undefined) this.newestWatched = hold.olderWatched;
    else hold.newerWatched.olderWatched = hold.olderWatched;
    hold.olderWatched = undefined;
    hold.newerWatched = undefined;
  }

  private arm(delayMs: number): void {
    const timer = setTimeout(() => this.onTimer(), delayMs);
    // Watching must never keep a process alive.
    timer.unref?.();
    this.timer = timer;
  }

  private onTimer(): void {
    this.timer = undefined;
    const now = nowMs();
    for (let hold = this.oldestWatched; hold !== undefined; hold = this.oldestWatched) {
      const heldMs = now - hold.sinceMs;
      if (heldMs < this.thresholdMs) {
        this.arm(this.thresholdMs - heldMs);
        return;
      }
      this.unwatch(hold);
      this.onLongHold(hold, heldMs, now);
    }
  }
}

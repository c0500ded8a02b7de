import type { LockSlowCall } from '../contract/lockEvents';
import type { LockCall } from './lockCall';
import { lockPauses } from './lockPauses';
import { nowMs } from './nowMs';
import { SlowCallTracer } from './slowCallTracer';

/** A hold the watchdog can watch: whose it is, since when, and its links in the watched list (`Self` is the backend's hold type). */
export interface WatchedHold<Self> {
  readonly request: LockCall;
  readonly sinceMs: number;
  /** Neighbours in the watchdog's acquisition-ordered list of holds (only while subscribed). */
  olderWatched: Self | undefined;
  newerWatched: Self | undefined;
  watched: boolean;
  /** Set while the holder's awaits are traced (its resource was seen holding long before, or breakOn waits for it to resume). */
  traced?: boolean;
}

/** What a backend tells its watchdog. */
export interface LongHoldWatchdogOptions<Hold> {
  readonly thresholdMs: number;
  /** The resource a hold is on. */
  readonly resourceOf: (hold: Hold) => string;
  /** Whether the holder's call chain waits for another lock now: then it is not awaiting a slow call. */
  readonly waitsForLock: (hold: Hold) => boolean;
  /** Called once per hold that outlasts the threshold, with the call it was awaiting when known. */
  readonly onLongHold: (hold: Hold, heldMs: number, atMs: number, slowCall: LockSlowCall | undefined) => void;
}

/**
 * Watches holds for outlasting one threshold with a single timer: the watched holds form an intrusive list in
 * acquisition order, which is also deadline order since they share the threshold. Every lock backend uses it. Once a
 * resource has held long, later holds of it have their awaits traced until they end or pass the threshold, so
 * their long-hold report names the call they were awaiting (SlowCallTracer).
 */
export class LongHoldWatchdog<Hold extends WatchedHold<Hold>> {
  private oldestWatched: Hold | undefined = undefined;
  private newestWatched: Hold | undefined = undefined;
  private timer: ReturnType<typeof setTimeout> | undefined = undefined;
  private readonly thresholdMs: number;
  private readonly slowCalls = new SlowCallTracer();

  constructor(private readonly options: LongHoldWatchdogOptions<Hold>) {
    this.thresholdMs = options.thresholdMs;
  }

  /** Starts watching a hold that has just begun; `onLongHold` runs once if it is still watched at the threshold. */
  watch(hold: Hold): void {
    hold.watched = true;
    hold.olderWatched = this.newestWatched;
    if (this.newestWatched === undefined) this.oldestWatched = hold;
    else this.newestWatched.newerWatched = hold;
    this.newestWatched = hold;
    if (this.timer === undefined) this.arm(this.thresholdMs);
    if (this.slowCalls.knowsSlowResources && this.slowCalls.isSlow(this.options.resourceOf(hold))) {
      hold.traced = true;
      this.slowCalls.trace(hold.request);
    }
  }

  /** Stops watching a hold: it ended, or it has been reported. */
  unwatch(hold: Hold): void {
    hold.watched = false;
    // A reported hold stays watched (out of the list) only while breakOn waits for its holder to resume.
    if (hold.olderWatched !== undefined || this.oldestWatched === hold) this.unlink(hold);
    if (hold.traced === true) {
      hold.traced = false;
      this.slowCalls.untrace(hold.request);
    }
  }

  private unlink(hold: Hold): void {
    if (hold.olderWatched === undefined) this.oldestWatched = hold.newerWatched;
    else hold.olderWatched.newerWatched = hold.newerWatched;
    if (hold.newerWatched === undefined) this.newestWatched = hold.olderWatched;
    else hold.newerWatched.olderWatched = hold.olderWatched;
    hold.olderWatched = undefined;
    hold.newerWatched = undefined;
  }

  private arm(delayMs: number): void {
    this.slowCalls.watchExternalCalls();
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
      const resource = this.options.resourceOf(hold);
      const slowCall = this.options.waitsForLock(hold) ? undefined : this.slowCalls.awaitedCall(hold.request, heldMs, now);
      const pause = lockPauses().longHold;
      if (pause === undefined) this.unwatch(hold);
      else {
        // lockInspector.breakOn: pause in the holder's own code when it next runs; its release ends the wait.
        this.unlink(hold);
        if (hold.traced !== true) this.slowCalls.trace(hold.request);
        hold.traced = true;
        const owner = hold.request.owner;
        this.slowCalls.pauseAtResumption(hold.request, () => pause({ resource, owner, heldMs }));
      }
      this.slowCalls.learn(resource);
      this.options.onLongHold(hold, heldMs, now, slowCall);
    }
  }
}

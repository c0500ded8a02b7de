import type { InspectorSnapshot, ModelChange, SourcedEvent } from '../contract/inspectorSnapshot';
import { Throttle, type Clock } from './throttle';

/**
 * Hands the model's listeners coalesced changes: at most one per interval, each with the snapshot then and every
 * event since the previous one. Listeners that fall far behind get the newest events; the history keeps the rest.
 */
export class ChangeNotifier {
  private readonly listeners = new Set<(change: ModelChange) => void>();
  private readonly throttle: Throttle;
  private pendingEvents: SourcedEvent[] = [];
  private pendingCleared = false;
  private changePending = false;

  constructor(
    intervalMs: number,
    clock: Clock,
    private readonly snapshot: () => InspectorSnapshot,
    /** Most events kept for a listener between two changes (amortised: trimmed at twice this). */
    private readonly maxPendingEvents: number,
  ) {
    this.throttle = new Throttle(intervalMs, () => this.notify(), clock);
  }

  /** Whether anyone listens, so the model collects events for changes only then. */
  get listening(): boolean {
    return this.listeners.size > 0;
  }

  /** Calls `listener` with coalesced changes; returns the unsubscribe function. */
  subscribe(listener: (change: ModelChange) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.reset();
    };
  }

  /** Queues an event for the next change. */
  addEvent(event: SourcedEvent): void {
    this.pendingEvents.push(event);
  }

  /** Notes that the model changed; with `cleared`, that its history was cleared (queued events are dropped). */
  changed(cleared = false): void {
    if (this.listeners.size === 0) return;
    if (cleared) {
      this.pendingEvents = [];
      this.pendingCleared = true;
    } else if (this.pendingEvents.length > 2 * this.maxPendingEvents) {
      this.pendingEvents = this.pendingEvents.slice(-this.maxPendingEvents);
    }
    this.changePending = true;
    this.throttle.request();
  }

  /** Delivers a pending change now instead of at the next interval. */
  flush(): void {
    this.throttle.flush();
  }

  private notify(): void {
    if (!this.changePending) return;
    const change: ModelChange = { snapshot: this.snapshot(), events: this.pendingEvents, cleared: this.pendingCleared };
    this.pendingEvents = [];
    this.pendingCleared = false;
    this.changePending = false;
    for (const listener of [...this.listeners]) {
      try {
        listener(change);
      } catch {
        // A failing view must not starve the others; it has its own error handling to report with.
      }
    }
  }

  private reset(): void {
    this.throttle.cancel();
    this.changePending = false;
    this.pendingEvents = [];
    this.pendingCleared = false;
  }
}

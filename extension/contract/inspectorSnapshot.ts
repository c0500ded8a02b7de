import type { LockMode, LockOwner, WaitForEdge, LockOrderSite, LostUpdateEvent } from './lockEvents';
import type { InspectorEvent, SourceKind } from './wireFormat';

/** One connected (or recently disconnected) server reporting to the hub. */
export interface SourceInfo {
  readonly id: string;
  readonly label: string;
  readonly kind: SourceKind;
  readonly pid: number;
  readonly connected: boolean;
  readonly connectedAtMs: number;
  readonly eventsReceived: number;
  /** Events the server's reporter could not deliver (inspector away, full buffer) and told us about. */
  readonly eventsDroppedBySource: number;
  /** Lines we refused: malformed, oversize, wrong version. */
  readonly linesRejected: number;
  /** Holders and waiters the model did not track because the source already had its maximum of them. */
  readonly partiesRefused: number;
  /** The replica it is, when its locks live in Redis shared with other replicas: its resources merge with theirs. */
  readonly replica?: string;
  /** Its Redis lease in milliseconds: after it is gone, its holds last at most this long. */
  readonly leaseMs?: number;
}

/** A holder or waiter as the views show it. */
export interface PartyView {
  readonly chainId: number;
  readonly owner?: LockOwner;
  readonly mode: LockMode;
  readonly sinceMs: number;
  /** A hold of a replica that is gone: its Redis lease runs out by then at the latest, and the next in line gets it. */
  readonly leaseEndsByMs?: number;
}

/** `sourceId` of the resources merged over every replica (and the `redis` source): one row per resource id. */
export const REPLICAS_SOURCE_ID = 'replicas';

/** Percentile summary of a set of durations, in milliseconds. */
export interface DurationStats {
  readonly count: number;
  readonly p50: number;
  readonly p95: number;
  readonly max: number;
}

/** Live and cumulative state of one resource of one source. */
export interface ResourceView {
  /** `${sourceId}\u0000${resourceId}`: unique across sources. */
  readonly key: string;
  /** The source, or REPLICAS_SOURCE_ID for a resource merged over every replica sharing one Redis. */
  readonly sourceId: string;
  /** Merged rows only: the replicas whose parties it shows (owner.replica of each), sorted. */
  readonly replicas?: readonly string[];
  readonly id: string;
  readonly holders: readonly PartyView[];
  readonly waiters: readonly PartyView[];
  readonly acquisitions: number;
  readonly timeouts: number;
  readonly aborts: number;
  readonly deadlocks: number;
  readonly wait: DurationStats;
  readonly hold: DurationStats;
  /** Most recent failure on this resource, so views can mark it, not only count it. */
  readonly lastIncident?: { readonly kind: 'timeout' | 'deadlock' | 'aborted'; readonly atMs: number };
}

/** Figures for one tool across all its calls. */
export interface ToolView {
  readonly tool: string;
  readonly calls: number;
  readonly active: number;
  readonly errors: number;
  readonly timeouts: number;
  readonly deadlocks: number;
  /** Stale writes its calls made: each overwrote another call's update. */
  readonly lostUpdates: number;
  readonly wait: DurationStats;
  readonly hold: DurationStats;
  /** Resources its calls hold right now. */
  readonly holding: readonly string[];
}

/** Figures for one caller (who made the calls, where the spec has no session): see describeCaller. */
export interface CallerView {
  /** describeCaller of its calls' owner, e.g. `Claude/1.2 · connection 3` or `session 7f3a`. */
  readonly caller: string;
  readonly calls: number;
  readonly active: number;
  /** Locks its calls hold, and wait for, right now. */
  readonly holding: number;
  readonly waiting: number;
  readonly timeouts: number;
  readonly deadlocks: number;
  readonly wait: DurationStats;
  /** Trace ids (W3C `traceparent`) of its calls seen most recently, newest first, at most a few. */
  readonly traceIds: readonly string[];
}

/** What an advice is about: a coarse lock (with what-if figures), a timeout budget, a tool that may be annotated read-only, a tool annotated read-only that writes. */
export type AdviceKind = 'granularity' | 'timeoutBudget' | 'readOnlyHint' | 'readOnlyViolation';

/** Something a person should look at; `occurrences` says how often it happened (1 when absent). */
export type WarningView = { readonly occurrences?: number } & (
  | { readonly id: string; readonly kind: 'deadlock'; readonly sourceId: string; readonly atMs: number; readonly message: string; readonly cycle: readonly WaitForEdge[] }
  | { readonly id: string; readonly kind: 'inversion'; readonly sourceId: string; readonly atMs: number; readonly message: string; readonly earlier: LockOrderSite; readonly later: LockOrderSite }
  | { readonly id: string; readonly kind: 'longHold'; readonly sourceId: string; readonly atMs: number; readonly message: string; readonly resource: string; readonly owner?: LockOwner; readonly heldMs: number }
  | { readonly id: string; readonly kind: 'timeoutStorm'; readonly sourceId: string; readonly atMs: number; readonly message: string; readonly resource: string; readonly timeouts: number; readonly windowMs: number }
  | { readonly id: string; readonly kind: 'lostUpdate'; readonly sourceId: string; readonly atMs: number; readonly message: string; readonly event: LostUpdateEvent }
  /** A Redis holder's lease ran out before its work finished (paused process, lost connection): another may hold it now. */
  | { readonly id: string; readonly kind: 'leaseLost'; readonly sourceId: string; readonly atMs: number; readonly message: string; readonly resource: string; readonly owner?: LockOwner; readonly heldMs: number; readonly leaseMs: number }
  | { readonly id: string; readonly kind: 'advice'; readonly advice: AdviceKind; readonly sourceId: string; readonly atMs: number; readonly message: string; readonly resource?: string; readonly tool?: string }
);

/** The whole model at one instant: what the views, the status bar, the CLI and the public API read. */
export interface InspectorSnapshot {
  readonly atMs: number;
  /** Set when the views show the state at a time cursor (scrub) instead of now: that instant, epoch milliseconds. */
  readonly stateAtMs?: number;
  readonly sources: readonly SourceInfo[];
  /** Busy resources first, then the rest that have history. */
  readonly resources: readonly ResourceView[];
  readonly tools: readonly ToolView[];
  /** Per caller, busiest first; absent from snapshots made before callers were counted. */
  readonly callers?: readonly CallerView[];
  /** Colour slot of every tool seen this session, kept across Clear History, so all views colour a tool alike. */
  readonly toolColorSlots?: Readonly<Record<string, number>>;
  /** Newest first, bounded. */
  readonly warnings: readonly WarningView[];
  readonly totals: {
    readonly held: number;
    readonly waiting: number;
    readonly timeouts: number;
    readonly deadlocks: number;
    readonly events: number;
    readonly linesRejected: number;
  };
}

/**
 * The model's own event when a source disconnects: every hold and wait it still had ended then, unreleased (so
 * the timeline, the trace and the lenses stop showing them as still going on). Sources never send it.
 */
export interface SourceGoneEvent {
  readonly type: 'sourceGone';
  readonly atMs: number;
}

/**
 * The model's own event when a source says it could not deliver `count` events (the inspector was away, its buffer
 * was full): what the history shows before this moment has a gap. Sources never send it.
 */
export interface EventsDroppedEvent {
  readonly type: 'eventsDropped';
  readonly atMs: number;
  readonly count: number;
}

/** An event as the model keeps it: tagged with the source that reported it. */
export type SourcedEvent = (InspectorEvent | SourceGoneEvent | EventsDroppedEvent) & { readonly sourceId: string };

/** What the model hands its listeners, coalesced (at most one per DEFAULT_NOTIFY_INTERVAL_MS, 30 ms): the new state and the events since the last change. */
export interface ModelChange {
  readonly snapshot: InspectorSnapshot;
  readonly events: readonly SourcedEvent[];
  /** True when history was cleared since the last change, so views drop what they drew. */
  readonly cleared: boolean;
}

/** The read side of the model that views, code lenses, the status bar and the public API depend on. */
export interface InspectorModelReader {
  snapshot(): InspectorSnapshot;
  /** Retained events, oldest first (bounded by the history setting). */
  history(): readonly SourcedEvent[];
  /** Subscribes to coalesced changes; returns the unsubscribe function. */
  subscribe(listener: (change: ModelChange) => void): () => void;
}

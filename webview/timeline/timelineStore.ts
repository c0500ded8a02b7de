import type { LockOwner } from '../../extension/contract/lockEvents';
import type { ResourceView, SourcedEvent } from '../../extension/contract/inspectorSnapshot';
import { emptyParties, endAllParties, isResourceLockEvent, reduceLockEvent, type LockInterval, type OpenInterval, type ResourceParties } from '../../extension/contract/lockIntervals';

/** A bar on a swimlane: a call holding the resource, or waiting for it; `endMs` of an open bar grows with the clock. */
export interface Span extends Omit<LockInterval, 'outcome'> {
  /** How it ended: holds `released`, waits `acquired`, `timeout` or `aborted`, either `sourceGone` when its process went away; bars still growing are `open`. */
  readonly outcome: 'released' | 'acquired' | 'timeout' | 'aborted' | 'sourceGone' | 'open';
}

/** The interval outcomes drawn as closed bars. */
const DRAWN_OUTCOMES: ReadonlySet<LockInterval['outcome']> = new Set(['released', 'acquired', 'timeout', 'aborted', 'sourceGone']);

/** The events drawn as markers. */
export type MarkerEvent = Extract<SourcedEvent, { readonly type: 'timeout' | 'aborted' | 'deadlock' | 'reentrant' | 'longHold' }>;

/** A point on a swimlane where something went wrong or took too long. */
export interface Marker {
  readonly kind: MarkerEvent['type'];
  readonly atMs: number;
  readonly event: MarkerEvent;
}

/** How much history the store keeps before it forgets the oldest bars and markers. */
export interface RetentionLimits {
  readonly maxSpans: number;
  readonly maxMarkers: number;
}

/** Gaps of one source reported closer together than this are drawn as one. */
const GAP_MERGE_MS = 1000;
/** Gaps remembered per source; the oldest go first. */
const MAX_GAPS_PER_SOURCE = 1000;

/**
 * Where a source's history has holes: the moments its events resumed after it could not deliver some (the
 * inspector was away, its buffer was full), with how many were lost. Shared by every lane of the source.
 */
export class SourceGaps {
  #atMs: number[] = [];
  #counts: number[] = [];

  /** Notes `count` events lost before `atMs`. */
  add(atMs: number, count: number): void {
    const last = this.#atMs.length - 1;
    if (last >= 0 && Math.abs(atMs - this.#atMs[last]!) < GAP_MERGE_MS) {
      this.#counts[last]! += count;
      return;
    }
    this.#atMs.push(atMs);
    this.#counts.push(count);
    if (this.#atMs.length > MAX_GAPS_PER_SOURCE) {
      this.#atMs.shift();
      this.#counts.shift();
    }
  }

  /** Calls `visit` for each gap in `[fromMs, toMs]`. */
  forEachIn(fromMs: number, toMs: number, visit: (atMs: number, count: number) => void): void {
    for (let index = firstIndexAtOrAfter(this.#atMs, 0, fromMs, (atMs) => atMs); index < this.#atMs.length && this.#atMs[index]! <= toMs; index++) {
      visit(this.#atMs[index]!, this.#counts[index]!);
    }
  }
}

/** Below this a wait is the lock's own overhead, not contention. */
const CONTENDED_WAIT_MS = 1;

/** One swimlane: a resource of one source, its closed bars (ordered by end), open bars and markers. */
export class Lane implements ResourceParties {
  /** Closed spans ordered by `endMs`; entries before `spanHead` are forgotten. */
  spans: Span[] = [];
  spanHead = 0;
  /** Longest closed span, so a time-window query knows how far back a bar can start. */
  longestSpanMs = 0;
  markers: Marker[] = [];
  markerHead = 0;
  /** Open holds and waits, by chain id: the bars still growing. */
  readonly holders: Map<number, OpenInterval>;
  readonly waiters: Map<number, OpenInterval>;
  /** Somebody waited here, timed out, aborted or deadlocked. */
  contended = false;
  readonly tools = new Set<string>();
  lastActivityMs = 0;
  waitedTotalMs = 0;
  incidents = 0;

  constructor(
    readonly key: string,
    readonly sourceId: string,
    readonly resource: string,
    /** Where its source's history has holes. */
    readonly gaps: SourceGaps = new SourceGaps(),
  ) {
    ({ holders: this.holders, waiters: this.waiters } = emptyParties());
  }

  /** Calls `visit` for each closed span that overlaps `[fromMs, toMs]`, oldest end first. */
  forEachSpanIn(fromMs: number, toMs: number, visit: (span: Span) => void): void {
    const spans = this.spans;
    for (let index = firstIndexAtOrAfter(spans, this.spanHead, fromMs, (span) => span.endMs); index < spans.length; index++) {
      const span = spans[index]!;
      if (span.endMs - this.longestSpanMs > toMs) break;
      if (span.startMs <= toMs) visit(span);
    }
  }

  /** Calls `visit` for each marker in `[fromMs, toMs]`. */
  forEachMarkerIn(fromMs: number, toMs: number, visit: (marker: Marker) => void): void {
    const markers = this.markers;
    for (let index = firstIndexAtOrAfter(markers, this.markerHead, fromMs, (marker) => marker.atMs); index < markers.length; index++) {
      const marker = markers[index]!;
      if (marker.atMs > toMs) break;
      visit(marker);
    }
  }

  /** Bars still growing, drawn up to `nowMs`. */
  openSpans(nowMs: number): Span[] {
    const open: Span[] = [];
    for (const wait of this.waiters.values()) open.push(openSpan('wait', wait, nowMs));
    for (const hold of this.holders.values()) open.push(openSpan('hold', hold, nowMs));
    return open;
  }

  /** Spans retained (closed and open). */
  get spanCount(): number {
    return this.spans.length - this.spanHead + this.holders.size + this.waiters.size;
  }

  addSpan(span: Span): void {
    const spans = this.spans;
    let index = spans.length;
    // Events of one source arrive in time order, so this loop runs only for spans closed in the same millisecond.
    while (index > this.spanHead && spans[index - 1]!.endMs > span.endMs) index--;
    if (index === spans.length) spans.push(span);
    else spans.splice(index, 0, span);
    this.longestSpanMs = Math.max(this.longestSpanMs, span.endMs - span.startMs);
  }

  addMarker(marker: Marker): void {
    const markers = this.markers;
    let index = markers.length;
    while (index > this.markerHead && markers[index - 1]!.atMs > marker.atMs) index--;
    if (index === markers.length) markers.push(marker);
    else markers.splice(index, 0, marker);
  }

  forgetOldestSpan(): void {
    if (this.spanHead >= this.spans.length) return;
    this.spanHead++;
    if (this.spanHead > 1024 && this.spanHead * 2 > this.spans.length) {
      this.spans = this.spans.slice(this.spanHead);
      this.spanHead = 0;
    }
  }

  forgetOldestMarker(): void {
    if (this.markerHead >= this.markers.length) return;
    this.markerHead++;
    if (this.markerHead > 256 && this.markerHead * 2 > this.markers.length) {
      this.markers = this.markers.slice(this.markerHead);
      this.markerHead = 0;
    }
  }
}

/** Index of the first item at or after `head` whose key is `>= value`, by binary search. */
export function firstIndexAtOrAfter<T>(items: readonly T[], head: number, value: number, key: (item: T) => number): number {
  let low = head;
  let high = items.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (key(items[middle]!) < value) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** Oldest-first record of which lane got each retained item, so the globally oldest can be forgotten first. */
class RetentionQueue {
  #lanes: Lane[] = [];
  #head = 0;

  get size(): number {
    return this.#lanes.length - this.#head;
  }

  push(lane: Lane): void {
    this.#lanes.push(lane);
  }

  /** Forgets the oldest items until at most `limit` remain; `forget` drops one item from its lane. */
  trimTo(limit: number, forget: (lane: Lane) => void): void {
    while (this.size > limit) forget(this.#lanes[this.#head++]!);
    if (this.#head > 4096 && this.#head * 2 > this.#lanes.length) {
      this.#lanes = this.#lanes.slice(this.#head);
      this.#head = 0;
    }
  }

  clear(): void {
    this.#lanes = [];
    this.#head = 0;
  }
}

/** Every swimlane the timeline knows, built from lock events; no DOM, so it is tested in Node. */
export class TimelineStore {
  readonly lanes = new Map<string, Lane>();
  /** Newest event time seen, epoch milliseconds. */
  newestEventMs = 0;
  eventsIngested = 0;
  /** Bumped when lanes appear or change what filters see (contended, tools), so the lane list is recomputed only then. */
  laneSetVersion = 0;
  readonly #spanQueue = new RetentionQueue();
  readonly #markerQueue = new RetentionQueue();
  readonly #gapsBySource = new Map<string, SourceGaps>();

  constructor(private readonly limits: RetentionLimits = { maxSpans: 250_000, maxMarkers: 50_000 }) {}

  /** Applies events in arrival order; events without a resource (calls, inversions) do not draw on lanes. */
  ingest(events: readonly SourcedEvent[]): void {
    for (const event of events) this.ingestOne(event);
    this.#spanQueue.trimTo(this.limits.maxSpans, (lane) => lane.forgetOldestSpan());
    this.#markerQueue.trimTo(this.limits.maxMarkers, (lane) => lane.forgetOldestMarker());
  }

  /**
   * Reconciles open bars with the resources busy right now: adds holders and waiters whose start fell out of
   * history, and closes bars the history left open but nobody holds any more.
   */
  reconcileBusy(busy: readonly ResourceView[]): void {
    const busyParties = new Set<string>();
    for (const resource of busy) {
      const lane = this.laneFor(resource.sourceId, resource.id);
      for (const holder of resource.holders) {
        busyParties.add(`${lane.key}\u0000h${holder.chainId}`);
        if (!lane.holders.has(holder.chainId)) lane.holders.set(holder.chainId, holder);
        this.noteTool(lane, holder.owner);
      }
      for (const waiter of resource.waiters) {
        busyParties.add(`${lane.key}\u0000w${waiter.chainId}`);
        if (!lane.waiters.has(waiter.chainId)) lane.waiters.set(waiter.chainId, waiter);
        this.noteTool(lane, waiter.owner);
        this.markContended(lane);
      }
    }
    for (const lane of this.lanes.values()) {
      for (const chainId of lane.holders.keys()) if (!busyParties.has(`${lane.key}\u0000h${chainId}`)) lane.holders.delete(chainId);
      for (const chainId of lane.waiters.keys()) if (!busyParties.has(`${lane.key}\u0000w${chainId}`)) lane.waiters.delete(chainId);
    }
  }

  clear(): void {
    this.lanes.clear();
    this.#spanQueue.clear();
    this.#markerQueue.clear();
    this.#gapsBySource.clear();
    this.newestEventMs = 0;
    this.eventsIngested = 0;
    this.laneSetVersion++;
  }

  /** The span under time `atMs` on `lane` (within `toleranceMs`), preferring holds over waits and the nearest. */
  spanAt(lane: Lane, atMs: number, toleranceMs: number, nowMs: number): Span | undefined {
    let best: Span | undefined;
    let bestScore = Infinity;
    const consider = (span: Span): void => {
      const distance = atMs < span.startMs ? span.startMs - atMs : atMs > span.endMs ? atMs - span.endMs : 0;
      if (distance > toleranceMs) return;
      const score = distance + (span.kind === 'wait' ? toleranceMs / 2 : 0);
      if (score < bestScore) {
        best = span;
        bestScore = score;
      }
    };
    lane.forEachSpanIn(atMs - toleranceMs, atMs + toleranceMs, consider);
    for (const span of lane.openSpans(nowMs)) consider(span);
    return best;
  }

  /** The marker nearest `atMs` on `lane`, within `toleranceMs`. */
  markerNear(lane: Lane, atMs: number, toleranceMs: number): Marker | undefined {
    let best: Marker | undefined;
    lane.forEachMarkerIn(atMs - toleranceMs, atMs + toleranceMs, (marker) => {
      if (!best || Math.abs(marker.atMs - atMs) < Math.abs(best.atMs - atMs)) best = marker;
    });
    return best;
  }

  private laneFor(sourceId: string, resource: string): Lane {
    const key = `${sourceId}\u0000${resource}`;
    let lane = this.lanes.get(key);
    if (!lane) {
      lane = new Lane(key, sourceId, resource, this.gapsOf(sourceId));
      this.lanes.set(key, lane);
      this.laneSetVersion++;
    }
    return lane;
  }

  private ingestOne(event: SourcedEvent): void {
    this.eventsIngested++;
    if (event.atMs > this.newestEventMs) this.newestEventMs = event.atMs;
    if (event.type === 'sourceGone') return this.endSource(event.sourceId, event.atMs);
    if (event.type === 'eventsDropped') return this.gapsOf(event.sourceId).add(event.atMs, event.count);
    if (!isResourceLockEvent(event)) return;
    const lane = this.laneFor(event.sourceId, event.resource);
    lane.lastActivityMs = Math.max(lane.lastActivityMs, event.atMs);
    const interval = reduceLockEvent(lane, event);
    switch (event.type) {
      case 'requested':
        this.noteTool(lane, event.owner);
        if (event.queueDepth > 0) this.markContended(lane);
        return;
      case 'acquired':
        if (event.waitedMs >= CONTENDED_WAIT_MS) {
          this.closeSpan(lane, interval);
          lane.waitedTotalMs += event.waitedMs;
          this.markContended(lane);
        }
        this.noteTool(lane, event.owner);
        return;
      case 'released':
        this.closeSpan(lane, interval);
        return;
      case 'timeout':
      case 'aborted':
        this.closeSpan(lane, interval);
        lane.waitedTotalMs += event.waitedMs;
        this.addIncident(lane, event);
        return;
      case 'deadlock':
      case 'reentrant':
        this.addIncident(lane, event);
        return;
      case 'longHold':
        this.addMarker(lane, { kind: 'longHold', atMs: event.atMs, event });
        return;
      case 'leaseLost':
        // The hold's bar still ends at its `released`; the lapse itself reaches the view as a warning.
        return;
      default:
        assertNoResourceEvent(event);
    }
  }

  private gapsOf(sourceId: string): SourceGaps {
    let gaps = this.#gapsBySource.get(sourceId);
    if (!gaps) this.#gapsBySource.set(sourceId, (gaps = new SourceGaps()));
    return gaps;
  }

  /** Ends the bars of a source that went away at that moment: nobody will report their end. */
  private endSource(sourceId: string, atMs: number): void {
    for (const lane of this.lanes.values()) {
      if (lane.sourceId !== sourceId) continue;
      for (const interval of endAllParties(lane, atMs, 'sourceGone')) this.closeSpan(lane, interval);
    }
  }

  private closeSpan(lane: Lane, interval: LockInterval | undefined): void {
    if (interval === undefined || !DRAWN_OUTCOMES.has(interval.outcome)) return;
    lane.addSpan(interval as Span);
    this.#spanQueue.push(lane);
  }

  private addMarker(lane: Lane, marker: Marker): void {
    lane.addMarker(marker);
    this.#markerQueue.push(lane);
  }

  private addIncident(lane: Lane, event: MarkerEvent): void {
    this.addMarker(lane, { kind: event.type, atMs: event.atMs, event });
    lane.incidents++;
    this.markContended(lane);
  }

  private markContended(lane: Lane): void {
    if (lane.contended) return;
    lane.contended = true;
    this.laneSetVersion++;
  }

  private noteTool(lane: Lane, owner: LockOwner | undefined): void {
    if (!owner?.tool || lane.tools.has(owner.tool)) return;
    lane.tools.add(owner.tool);
    this.laneSetVersion++;
  }
}

function openSpan(kind: Span['kind'], party: OpenInterval, nowMs: number): Span {
  return { kind, outcome: 'open', chainId: party.chainId, owner: party.owner, mode: party.mode, startMs: party.sinceMs, endMs: Math.max(nowMs, party.sinceMs), queueDepth: party.queueDepth };
}

/** Every event type with a `resource` is handled above; this fails to compile when a new one is not. */
function assertNoResourceEvent(event: never): void {
  void event;
}

import type { LockMode, LockOwner, SharedStateKind } from '../../extension/contract/lockEvents';
import { REPLICAS_SOURCE_ID, type PartyView, type ResourceView, type SourceInfo, type SourcedEvent } from '../../extension/contract/inspectorSnapshot';
import { emptyParties, endAllParties, isResourceLockEvent, leaseEndedBy, reduceLockEvent, type LockInterval, type OpenInterval, type ResourceParties } from '../../extension/contract/lockIntervals';

/**
 * A bar on a swimlane: a call holding the resource, or waiting for it, or (`lease`) the lease a replica that went
 * away still had on it, running out; `endMs` of an open bar grows with the clock.
 */
export interface Span extends Omit<LockInterval, 'outcome' | 'kind'> {
  readonly kind: LockInterval['kind'] | 'lease';
  /**
   * How it ended: holds `released`, waits `acquired`, `timeout` or `aborted`, either `sourceGone` when its process
   * went away; a lease `lapsed` when another replica took the resource; bars still growing are `open`.
   */
  readonly outcome: 'released' | 'acquired' | 'timeout' | 'aborted' | 'sourceGone' | 'lapsed' | 'open';
  /** Leases only: who took the resource once the lease ran out. */
  readonly takenBy?: LockOwner;
  /** Holds only: its lease ran out while its process lived (Redis backend), so the lock was not its from then on. */
  readonly leaseLost?: LeaseLoss;
}

/** When a hold's lease ran out, and how long the lease was. */
export interface LeaseLoss {
  readonly atMs: number;
  readonly leaseMs: number;
}

/** The interval outcomes drawn as closed bars. */
const DRAWN_OUTCOMES: ReadonlySet<LockInterval['outcome'] | Span['outcome']> = new Set(['released', 'acquired', 'timeout', 'aborted', 'sourceGone', 'lapsed']);

/** The events drawn as markers. */
export type MarkerEvent = Extract<SourcedEvent, { readonly type: 'timeout' | 'aborted' | 'deadlock' | 'reentrant' | 'longHold' | 'leaseLost' | 'lostUpdate' }>;

/**
 * A point on a swimlane where something went wrong or took too long; a lost update spans from the stale call's
 * read (`startMs`) to its stale write (`atMs`), with the other call's write in between.
 */
export interface Marker {
  readonly kind: MarkerEvent['type'];
  readonly startMs: number;
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
/** A lease left by a replica whose lease length is not known is drawn running out until another replica takes the resource, at most this long. */
const MAX_LEASE_SHOWN_MS = 120_000;

/** A hold of a replica that went away, still taken in Redis until its lease runs out or another replica takes it. */
interface OrphanLease {
  readonly span: Span;
  /** When it runs out at the latest: gone + the replica's lease, or MAX_LEASE_SHOWN_MS when that is not known. */
  readonly endsByMs: number;
  readonly leaseKnown: boolean;
}

/** What the renderer, the input and the filters read of a swimlane: one resource of one source, or of several merged. */
export interface LaneView {
  readonly key: string;
  /** The lock's resource id, or the shared-state key of a lane of lost updates. */
  readonly resource: string;
  /** Set on a lane of a shared-state key (lost updates) rather than a lock. */
  readonly sharedState: SharedStateKind | undefined;
  /** The sources whose events it draws. */
  readonly sourceIds: readonly string[];
  readonly contended: boolean;
  readonly tools: ReadonlySet<string>;
  readonly lastActivityMs: number;
  readonly waitedTotalMs: number;
  readonly incidents: number;
  /** How many wait for it now. */
  readonly waitingCount: number;
  forEachSpanIn(fromMs: number, toMs: number, visit: (span: Span) => void): void;
  forEachMarkerIn(fromMs: number, toMs: number, visit: (marker: Marker) => void): void;
  forEachGapIn(fromMs: number, toMs: number, visit: (atMs: number, count: number) => void): void;
  openSpans(nowMs: number): Span[];
  /** The source that reported `span`, one of `sourceIds`. */
  sourceIdOf(span: Span, nowMs: number): string;
}

/** One swimlane: a resource of one source, its closed bars (ordered by end), open bars and markers. */
export class Lane implements ResourceParties, LaneView {
  /** Closed spans ordered by `endMs`; entries before `spanHead` are forgotten. */
  spans: Span[] = [];
  spanHead = 0;
  /** Longest closed span, so a time-window query knows how far back a bar can start. */
  longestSpanMs = 0;
  markers: Marker[] = [];
  markerHead = 0;
  /** Longest marker (a lost update's read to its stale write), so a time-window query finds one that started before it. */
  longestMarkerMs = 0;
  /** Leases running out after this lane's replica went away holding them, by chain id. */
  readonly orphanLeases = new Map<number, OrphanLease>();
  /** Holds whose lease ran out before they were released, by chain id. */
  readonly leaseLosses = new Map<number, LeaseLoss>();
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
    readonly sharedState: SharedStateKind | undefined = undefined,
  ) {
    ({ holders: this.holders, waiters: this.waiters } = emptyParties());
    this.sourceIds = [sourceId];
  }

  readonly sourceIds: readonly string[];

  get waitingCount(): number {
    return this.waiters.size;
  }

  sourceIdOf(): string {
    return this.sourceId;
  }

  forEachGapIn(fromMs: number, toMs: number, visit: (atMs: number, count: number) => void): void {
    this.gaps.forEachIn(fromMs, toMs, visit);
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

  /** Calls `visit` for each marker that overlaps `[fromMs, toMs]`, by time. */
  forEachMarkerIn(fromMs: number, toMs: number, visit: (marker: Marker) => void): void {
    const markers = this.markers;
    for (let index = firstIndexAtOrAfter(markers, this.markerHead, fromMs, (marker) => marker.atMs); index < markers.length; index++) {
      const marker = markers[index]!;
      if (marker.atMs - this.longestMarkerMs > toMs) break;
      if (marker.startMs <= toMs) visit(marker);
    }
  }

  /** Bars still growing, drawn up to `nowMs`. */
  openSpans(nowMs: number): Span[] {
    const open: Span[] = [];
    for (const wait of this.waiters.values()) open.push(openSpan('wait', wait, nowMs));
    for (const hold of this.holders.values()) open.push(this.withLeaseLoss(openSpan('hold', hold, nowMs), false));
    for (const { span, endsByMs } of this.orphanLeases.values()) open.push({ ...span, endMs: Math.min(endsByMs, Math.max(nowMs, span.startMs)) });
    return open;
  }

  /** A hold as drawn: with when its lease ran out, if it did; `ended` forgets that once the hold's bar is closed. */
  withLeaseLoss<T extends LockInterval | Span>(interval: T, ended: boolean): T {
    const leaseLost = interval.kind === 'hold' ? this.leaseLosses.get(interval.chainId) : undefined;
    if (leaseLost === undefined) return interval;
    if (ended) this.leaseLosses.delete(interval.chainId);
    return { ...interval, leaseLost };
  }

  /** Spans retained (closed and open). */
  get spanCount(): number {
    return this.spans.length - this.spanHead + this.holders.size + this.waiters.size + this.orphanLeases.size;
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
    this.longestMarkerMs = Math.max(this.longestMarkerMs, marker.atMs - marker.startMs);
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

/** One resource's lanes of several sources drawn as one: replicas that share one lock (the Redis backend) hand it over on one lane. */
export class MergedLane implements LaneView {
  readonly #parts: Lane[] = [];

  constructor(
    readonly key: string,
    readonly resource: string,
    readonly sharedState: SharedStateKind | undefined,
  ) {}

  /** Adds the lane of one more source. */
  add(lane: Lane): void {
    this.#parts.push(lane);
  }

  get sourceIds(): readonly string[] {
    return this.#parts.map((part) => part.sourceId);
  }

  get contended(): boolean {
    return this.#parts.some((part) => part.contended);
  }

  get tools(): ReadonlySet<string> {
    return new Set(this.#parts.flatMap((part) => [...part.tools]));
  }

  get lastActivityMs(): number {
    return Math.max(...this.#parts.map((part) => part.lastActivityMs));
  }

  get waitedTotalMs(): number {
    return this.#parts.reduce((sum, part) => sum + part.waitedTotalMs, 0);
  }

  get incidents(): number {
    return this.#parts.reduce((sum, part) => sum + part.incidents, 0);
  }

  get waitingCount(): number {
    return this.#parts.reduce((sum, part) => sum + part.waitingCount, 0);
  }

  forEachSpanIn(fromMs: number, toMs: number, visit: (span: Span) => void): void {
    for (const part of this.#parts) part.forEachSpanIn(fromMs, toMs, visit);
  }

  forEachMarkerIn(fromMs: number, toMs: number, visit: (marker: Marker) => void): void {
    for (const part of this.#parts) part.forEachMarkerIn(fromMs, toMs, visit);
  }

  forEachGapIn(fromMs: number, toMs: number, visit: (atMs: number, count: number) => void): void {
    for (const part of this.#parts) part.forEachGapIn(fromMs, toMs, visit);
  }

  openSpans(nowMs: number): Span[] {
    return this.#parts.flatMap((part) => part.openSpans(nowMs));
  }

  sourceIdOf(span: Span, nowMs: number): string {
    const same = (other: Span): boolean => other === span || (other.chainId === span.chainId && other.kind === span.kind && other.startMs === span.startMs);
    const part = this.#parts.find((candidate) => {
      let found = candidate.openSpans(nowMs).some(same);
      if (!found) candidate.forEachSpanIn(span.startMs, span.endMs, (other) => (found ||= same(other)));
      return found;
    });
    return (part ?? this.#parts[0]!).sourceId;
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
  /** Every replica seen on a call's owner, in the order seen. */
  readonly replicas = new Set<string>();
  /** The Redis lease of each replica source that said (SourceInfo.leaseMs): how long its holds outlive it at most; read once, when it goes away. */
  readonly leaseMsBySource = new Map<string, number>();
  readonly #spanQueue = new RetentionQueue();
  readonly #markerQueue = new RetentionQueue();
  readonly #gapsBySource = new Map<string, SourceGaps>();
  /** One merged lane per resource (and per shared-state key), across sources. */
  readonly #merged = new Map<string, MergedLane>();
  /** Lanes with leases running out, by resource: the next replica to take the resource ends them. */
  readonly #orphanLeases = new Map<string, Set<Lane>>();

  constructor(private readonly limits: RetentionLimits = { maxSpans: 250_000, maxMarkers: 50_000 }) {}

  /** Applies events in arrival order; events without a resource (calls, inversions) do not draw on lanes. */
  ingest(events: readonly SourcedEvent[]): void {
    for (const event of events) this.ingestOne(event);
    this.forgetStaleLeases();
    this.#spanQueue.trimTo(this.limits.maxSpans, (lane) => lane.forgetOldestSpan());
    this.#markerQueue.trimTo(this.limits.maxMarkers, (lane) => lane.forgetOldestMarker());
  }

  /**
   * Reconciles open bars with the resources busy right now: adds holders and waiters whose start fell out of
   * history, and closes bars the history left open but nobody holds any more.
   */
  reconcileBusy(busy: readonly ResourceView[], sourceOfParty: (resource: ResourceView, party: PartyView) => string = (resource) => resource.sourceId): void {
    const busyParties = new Set<string>();
    for (const resource of busy) {
      const laneOf = (party: PartyView): Lane => this.laneFor(sourceOfParty(resource, party), resource.id);
      for (const holder of resource.holders) {
        // A gone replica's hold is drawn from history, as its lease running out.
        if (holder.leaseEndsByMs !== undefined) continue;
        const lane = laneOf(holder);
        busyParties.add(`${lane.key}\u0000h${holder.chainId}`);
        if (!lane.holders.has(holder.chainId)) lane.holders.set(holder.chainId, holder);
        this.noteTool(lane, holder.owner);
      }
      for (const waiter of resource.waiters) {
        const lane = laneOf(waiter);
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
    this.#merged.clear();
    this.#orphanLeases.clear();
    this.leaseMsBySource.clear();
    this.replicas.clear();
    this.newestEventMs = 0;
    this.eventsIngested = 0;
    this.laneSetVersion++;
  }

  /** Every resource's lanes merged across sources, one lane each (in the order they appeared). */
  mergedLanes(): IterableIterator<MergedLane> {
    return this.#merged.values();
  }

  /** How many merged lanes there are. */
  get mergedLaneCount(): number {
    return this.#merged.size;
  }

  /** The span under time `atMs` on `lane` (within `toleranceMs`), preferring holds over waits and the nearest. */
  spanAt(lane: LaneView, atMs: number, toleranceMs: number, nowMs: number): Span | undefined {
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

  /** The marker nearest `atMs` on `lane`, within `toleranceMs` (a lost update anywhere from its read to its stale write). */
  markerNear(lane: LaneView, atMs: number, toleranceMs: number): Marker | undefined {
    let best: Marker | undefined;
    let bestDistance = Infinity;
    lane.forEachMarkerIn(atMs - toleranceMs, atMs + toleranceMs, (marker) => {
      const distance = atMs < marker.startMs ? marker.startMs - atMs : Math.max(0, atMs - marker.atMs);
      // A point marker on top of a lost update's span is the one pointed at.
      const score = distance + (marker.startMs < marker.atMs ? toleranceMs / 4 : 0);
      if (distance <= toleranceMs && score < bestDistance) {
        best = marker;
        bestDistance = score;
      }
    });
    return best;
  }

  /** The lane of a lock resource, or with `sharedState` of a shared-state key, of one source. */
  private laneFor(sourceId: string, resource: string, sharedState?: SharedStateKind): Lane {
    const key = `${sourceId}${sharedState ? '\u0001' : '\u0000'}${resource}`;
    let lane = this.lanes.get(key);
    if (!lane) {
      lane = new Lane(key, sourceId, resource, this.gapsOf(sourceId), sharedState);
      this.lanes.set(key, lane);
      const mergedKey = key.slice(sourceId.length);
      let merged = this.#merged.get(mergedKey);
      if (!merged) this.#merged.set(mergedKey, (merged = new MergedLane(mergedKey, resource, sharedState)));
      merged.add(lane);
      this.laneSetVersion++;
    }
    return lane;
  }

  private ingestOne(event: SourcedEvent): void {
    this.eventsIngested++;
    if (event.atMs > this.newestEventMs) this.newestEventMs = event.atMs;
    if (event.type === 'sourceGone') return this.endSource(event.sourceId, event.atMs);
    if (event.type === 'eventsDropped') return this.gapsOf(event.sourceId).add(event.atMs, event.count);
    if (event.type === 'lostUpdate') return this.addLostUpdate(event);
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
        this.endOrphanLeases(lane, event.atMs, event.owner, event.mode);
        return;
      case 'released':
        this.closeSpan(lane, interval && lane.withLeaseLoss(interval, true));
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
        this.addMarker(lane, { kind: 'longHold', startMs: event.atMs, atMs: event.atMs, event });
        return;
      case 'leaseLost':
        // The hold's bar still ends at its `released` (its work went on), drawn as the lease's from here on.
        lane.leaseLosses.set(event.chainId, { atMs: event.atMs, leaseMs: event.leaseMs });
        this.addIncident(lane, event);
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

  /**
   * Ends the bars of a source that went away at that moment: nobody will report their end. A replica's holds
   * (owners with a `replica`, whose locks are leases in Redis) stay taken until their lease runs out, so each
   * goes on as a lease running out until another source takes the resource.
   */
  private endSource(sourceId: string, atMs: number): void {
    const leaseMs = this.leaseMsBySource.get(sourceId);
    this.leaseMsBySource.delete(sourceId);
    for (const lane of this.lanes.values()) {
      if (lane.sourceId !== sourceId) continue;
      for (const interval of endAllParties(lane, atMs, 'sourceGone')) {
        this.closeSpan(lane, lane.withLeaseLoss(interval, true));
        if (interval.kind !== 'hold' || interval.owner?.replica === undefined) continue;
        const span: Span = { kind: 'lease', outcome: 'open', chainId: interval.chainId, owner: interval.owner, mode: interval.mode, startMs: atMs, endMs: atMs };
        lane.orphanLeases.set(interval.chainId, { span, endsByMs: atMs + (leaseMs ?? MAX_LEASE_SHOWN_MS), leaseKnown: leaseMs !== undefined });
        let lanes = this.#orphanLeases.get(lane.resource);
        if (!lanes) this.#orphanLeases.set(lane.resource, (lanes = new Set()));
        lanes.add(lane);
      }
    }
  }

  /** Another source took the resource of `lane` in `mode`: the leases it excludes, left by replicas that went away, ran out by then. */
  private endOrphanLeases(lane: Lane, atMs: number, takenBy: LockOwner | undefined, mode: LockMode): void {
    const orphaned = this.#orphanLeases.get(lane.resource);
    if (!orphaned) return;
    for (const other of orphaned) {
      if (other.sourceId === lane.sourceId) continue;
      for (const [chainId, { span, endsByMs }] of other.orphanLeases) {
        if (!leaseEndedBy(mode, span.mode)) continue;
        this.closeSpan(other, { ...span, outcome: 'lapsed', endMs: Math.min(endsByMs, Math.max(atMs, span.startMs)), takenBy });
        other.orphanLeases.delete(chainId);
      }
      if (other.orphanLeases.size === 0) orphaned.delete(other);
    }
    if (orphaned.size === 0) this.#orphanLeases.delete(lane.resource);
  }

  /** Leases past their end: one of known length ran out then; one of unknown length nobody took is not drawn on. */
  private forgetStaleLeases(): void {
    for (const [resource, lanes] of this.#orphanLeases) {
      for (const lane of lanes) {
        for (const [chainId, { span, endsByMs, leaseKnown }] of lane.orphanLeases) {
          if (this.newestEventMs <= endsByMs) continue;
          if (leaseKnown) this.closeSpan(lane, { ...span, outcome: 'lapsed', endMs: endsByMs });
          lane.orphanLeases.delete(chainId);
        }
        if (lane.orphanLeases.size === 0) lanes.delete(lane);
      }
      if (lanes.size === 0) this.#orphanLeases.delete(resource);
    }
  }

  /** A lost update goes on the lane of its shared-state key, drawn from the stale call's read to its stale write. */
  private addLostUpdate(event: Extract<SourcedEvent, { readonly type: 'lostUpdate' }>): void {
    const lane = this.laneFor(event.sourceId, event.key, event.keyKind);
    lane.lastActivityMs = Math.max(lane.lastActivityMs, event.atMs);
    this.noteTool(lane, event.owner);
    this.noteTool(lane, event.overwritten.owner);
    this.addIncident(lane, event);
  }

  private closeSpan(lane: Lane, interval: LockInterval | Span | undefined): void {
    if (interval === undefined || !DRAWN_OUTCOMES.has(interval.outcome)) return;
    lane.addSpan(interval as Span);
    this.#spanQueue.push(lane);
  }

  private addMarker(lane: Lane, marker: Marker): void {
    lane.addMarker(marker);
    this.#markerQueue.push(lane);
  }

  private addIncident(lane: Lane, event: MarkerEvent): void {
    this.addMarker(lane, { kind: event.type, startMs: event.type === 'lostUpdate' ? Math.min(event.read.atMs, event.atMs) : event.atMs, atMs: event.atMs, event });
    lane.incidents++;
    this.markContended(lane);
  }

  private markContended(lane: Lane): void {
    if (lane.contended) return;
    lane.contended = true;
    this.laneSetVersion++;
  }

  private noteTool(lane: Lane, owner: LockOwner | undefined): void {
    if (owner?.replica !== undefined && !this.replicas.has(owner.replica)) {
      this.replicas.add(owner.replica);
      this.laneSetVersion++;
    }
    if (!owner?.tool || lane.tools.has(owner.tool)) return;
    lane.tools.add(owner.tool);
    this.laneSetVersion++;
  }
}

/**
 * Which source's lane a busy party goes on: the model merges replicas into one row (REPLICAS_SOURCE_ID) whose
 * parties name their replica; the timeline draws each on the lane of that replica's source (the newest of that name).
 */
export function replicaSourceOf(sources: readonly SourceInfo[]): (resource: ResourceView, party: PartyView) => string {
  const sourceOfReplica = new Map(sources.flatMap((source) => (source.replica !== undefined ? [[source.replica, source.id] as const] : [])));
  return (resource, party) => (resource.sourceId === REPLICAS_SOURCE_ID && party.owner?.replica !== undefined ? (sourceOfReplica.get(party.owner.replica) ?? resource.sourceId) : resource.sourceId);
}

function openSpan(kind: Span['kind'], party: OpenInterval, nowMs: number): Span {
  return { kind, outcome: 'open', chainId: party.chainId, owner: party.owner, mode: party.mode, startMs: party.sinceMs, endMs: Math.max(nowMs, party.sinceMs), queueDepth: party.queueDepth };
}

/** Every event type with a `resource` is handled above; this fails to compile when a new one is not. */
function assertNoResourceEvent(event: never): void {
  void event;
}

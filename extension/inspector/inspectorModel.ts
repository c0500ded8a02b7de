import { describeCaller } from '../contract/describe';
import { callKeyOf, emptyParties, leaseEndedBy, reduceLockEvent, type ResourceLockEvent, type ResourceParties } from '../contract/lockIntervals';
import type { LockOwner, LockParty, LockSnapshot, LostUpdateEvent } from '../contract/lockEvents';
import type { InspectorEvent } from '../contract/wireFormat';
import {
  REPLICAS_SOURCE_ID,
  type CallerView,
  type InspectorModelReader,
  type InspectorSnapshot,
  type ModelChange,
  type PartyView,
  type ResourceView,
  type SourceInfo,
  type SourcedEvent,
  type ToolView,
} from '../contract/inspectorSnapshot';
import { BoundedHistory } from './boundedHistory';
import { ChangeNotifier } from './changeNotifier';
import { DurationHistogram } from './durationHistogram';
import type { InspectorSink, NewSource } from './inspectorHub';
import { realClock, type Clock } from './throttle';
import { ToolColorSlots } from '../contract/toolColorSlots';
import { positiveInteger, WarningDetectors, type WarningDetectorOptions } from './warningDetectors';

/**
 * How often, at most, the model tells the views it changed: about 33 times a second, so an event is on screen within about
 * 100 ms of its call (the reporter's 20 ms batching, this, and a frame) while a flood costs the views a quarter of a core.
 */
export const DEFAULT_NOTIFY_INTERVAL_MS = 30;

/** Limits and thresholds of an InspectorModel; every field has a default. */
export interface InspectorModelOptions extends WarningDetectorOptions {
  /** Events kept in history (default 50,000). */
  readonly maxEvents?: number;
  /** Resources kept; beyond it the least recently active idle ones are forgotten (default 20,000). */
  readonly maxResources?: number;
  /** Tools kept, and callers kept (each up to this many); beyond it the least recently active idle tools and the idle callers seen first are forgotten (default 1,000). */
  readonly maxTools?: number;
  /** Holders and waiters kept per source; beyond it new ones are counted as refused, not tracked (default 50,000). */
  readonly maxPartiesPerSource?: number;
  /** Disconnected sources still listed (default 20). */
  readonly maxDisconnectedSources?: number;
  /** Least time between two change notifications (default DEFAULT_NOTIFY_INTERVAL_MS). */
  readonly notifyIntervalMs?: number;
  readonly clock?: Clock;
}

/** Default of `maxPartiesPerSource`: far more than a server has in flight, far less than memory allows. */
export const DEFAULT_MAX_PARTIES_PER_SOURCE = 50_000;

/** Default history retention, also the default of the extension's setting. */
export const DEFAULT_MAX_EVENTS = 50_000;

type MutableSource = { -readonly [K in keyof SourceInfo]: SourceInfo[K] };

/**
 * One row of the views: a resource of one source, or of every replica sharing one Redis (group REPLICAS_SOURCE_ID),
 * whose holders and waiters are kept per reporting source (chain ids are per process) and whose figures add up.
 */
interface ResourceState {
  /** `${group}\u0000${id}`, the group being the source id or REPLICAS_SOURCE_ID. */
  readonly key: string;
  readonly group: string;
  readonly id: string;
  /** Open holds and waits by the source that reported them. */
  readonly partiesBySource: Map<string, ResourceParties>;
  /** Sources gone while holding it (replicas): when their Redis lease runs out at the latest. */
  readonly leaseEndsByMs: Map<string, number>;
  acquisitions: number;
  timeouts: number;
  aborts: number;
  deadlocks: number;
  readonly wait: DurationHistogram;
  readonly hold: DurationHistogram;
  lastIncident?: ResourceView['lastIncident'];
  view?: ResourceView;
}

interface CallerState {
  readonly caller: string;
  calls: number;
  active: number;
  timeouts: number;
  deadlocks: number;
  readonly wait: DurationHistogram;
  /** Newest first, at most TRACE_IDS_PER_CALLER. */
  traceIds: string[];
}

/** Trace ids a caller's figures keep, to join its waits to their OpenTelemetry traces. */
const TRACE_IDS_PER_CALLER = 3;

interface ToolState {
  readonly tool: string;
  calls: number;
  active: number;
  errors: number;
  timeouts: number;
  deadlocks: number;
  lostUpdates: number;
  readonly wait: DurationHistogram;
  readonly hold: DurationHistogram;
}

/**
 * Live lock state, statistics, warnings and a bounded history, fed by the InspectorHub (as its sink).
 *
 * Usage:
 * ```ts
 * const model = new InspectorModel({ maxEvents: settings.historySize });
 * const hub = await InspectorHub.listen({ model });
 * const unsubscribe = model.subscribe(({ snapshot, events, cleared }) => view.update(snapshot, events, cleared));
 * exportChromeTrace(model.history(), model.snapshot().sources);
 * ```
 */
export class InspectorModel implements InspectorModelReader, InspectorSink {
  private readonly maxResources: number;
  private readonly maxTools: number;
  private readonly maxDisconnectedSources: number;
  private readonly maxPartiesPerSource: number;
  private readonly clock: Clock;
  private readonly warnings: WarningDetectors;
  private readonly notifier: ChangeNotifier;

  private readonly sources = new Map<string, MutableSource>();
  /** The group each source's resources belong to: its own id, or REPLICAS_SOURCE_ID for replicas and Redis readings. */
  private readonly groupOfSource = new Map<string, string>();
  /** Replicas with a connected source reporting their events: a Redis reading of their parties is not needed. */
  private reportingReplicas = new Set<string>();
  /** Keys of resources some gone replica still holds until its lease runs out, and the timer of the next expiry. */
  private readonly resourcesWithLeasesRunningOut = new Set<string>();
  private leaseTimer: { handle: unknown; atMs: number } | undefined;
  /** Holders plus waiters tracked now, per source. */
  private readonly livePartiesBySource = new Map<string, number>();
  /** Insertion order is recency order: touching a resource moves it to the end. */
  private readonly resources = new Map<string, ResourceState>();
  private readonly busyResourceKeys = new Set<string>();
  /** The other resources, least recently active first: the ones to forget first, found without passing busy ones. */
  private readonly idleResourceKeys = new Set<string>();
  private readonly tools = new Map<string, ToolState>();
  /** `callKeyOf` of calls that started and have not ended, to the names of their tool and caller (either may be unknown). */
  private readonly activeCalls = new Map<string, { readonly tool: string | undefined; readonly caller: string | undefined }>();
  /** Who makes the calls (describeCaller), first seen first; bounded like the tools. */
  private readonly callers = new Map<string, CallerState>();
  private readonly toolColorSlots = new ToolColorSlots();
  private readonly historyBuffer: BoundedHistory<SourcedEvent>;
  private unauthenticatedRejects = 0;
  private totalTimeouts = 0;
  private totalDeadlocks = 0;
  private totalEvents = 0;

  private version = 0;
  private cachedSnapshot: { version: number; snapshot: InspectorSnapshot } | undefined;

  constructor(options: InspectorModelOptions = {}) {
    this.historyBuffer = new BoundedHistory(positiveInteger('maxEvents', options.maxEvents ?? DEFAULT_MAX_EVENTS));
    this.maxResources = positiveInteger('maxResources', options.maxResources ?? 20_000);
    this.maxTools = positiveInteger('maxTools', options.maxTools ?? 1_000);
    this.maxDisconnectedSources = positiveInteger('maxDisconnectedSources', options.maxDisconnectedSources ?? 20);
    this.maxPartiesPerSource = positiveInteger('maxPartiesPerSource', options.maxPartiesPerSource ?? DEFAULT_MAX_PARTIES_PER_SOURCE);
    this.clock = options.clock ?? realClock;
    this.warnings = new WarningDetectors(options);
    this.notifier = new ChangeNotifier(options.notifyIntervalMs ?? DEFAULT_NOTIFY_INTERVAL_MS, this.clock, () => this.snapshot(), this.historyBuffer.capacity);
  }

  // ---- InspectorModelReader

  /** The whole model now; cheap when nothing changed since the last call. */
  snapshot(): InspectorSnapshot {
    const atMs = this.clock.now();
    this.endRunOutLeases(atMs);
    if (this.cachedSnapshot?.version === this.version) return { ...this.cachedSnapshot.snapshot, atMs };
    const snapshot = this.buildSnapshot(atMs);
    this.cachedSnapshot = { version: this.version, snapshot };
    return snapshot;
  }

  /** Retained events, oldest first. */
  history(): readonly SourcedEvent[] {
    return this.historyBuffer.toArray();
  }

  /** Calls `listener` with coalesced changes, at most once per notify interval; returns the unsubscribe function. */
  subscribe(listener: (change: ModelChange) => void): () => void {
    return this.notifier.subscribe(listener);
  }

  /** Forgets history, statistics and warnings; keeps who holds and waits for what right now. */
  clear(): void {
    this.historyBuffer.clear();
    this.warnings.clear();
    this.totalTimeouts = 0;
    this.totalDeadlocks = 0;
    this.totalEvents = 0;
    for (const [key, resource] of this.resources) {
      if (!this.busyResourceKeys.has(key)) {
        this.resources.delete(key);
        this.idleResourceKeys.delete(key);
        continue;
      }
      resource.acquisitions = resource.timeouts = resource.aborts = resource.deadlocks = 0;
      resource.wait.reset();
      resource.hold.reset();
      resource.lastIncident = undefined;
      resource.view = undefined;
    }
    for (const [name, tool] of this.tools) {
      if (tool.active === 0) {
        this.tools.delete(name);
        continue;
      }
      tool.calls = tool.active;
      tool.errors = tool.timeouts = tool.deadlocks = 0;
      tool.wait.reset();
      tool.hold.reset();
    }
    for (const [name, caller] of this.callers) {
      if (caller.active === 0) {
        this.callers.delete(name);
        continue;
      }
      caller.calls = caller.active;
      caller.timeouts = caller.deadlocks = 0;
      caller.wait.reset();
    }
    this.changed(true);
  }

  /** Delivers a pending change now instead of at the next interval, e.g. before a process exits. */
  flushChanges(): void {
    this.notifier.flush();
  }

  /** Events pushed out of history by newer ones since the last clear. */
  get historyEvicted(): number {
    return this.historyBuffer.evicted;
  }

  // ---- InspectorSink (the hub calls these)

  /** Registers a newly authenticated source; a replica (or a Redis reading) joins the merged replicas group. */
  addSource(source: NewSource): void {
    this.sources.set(source.id, {
      ...source,
      connected: true,
      eventsReceived: 0,
      eventsDroppedBySource: 0,
      linesRejected: 0,
      partiesRefused: 0,
    });
    this.groupOfSource.set(source.id, source.replica !== undefined || source.kind === 'redis' ? REPLICAS_SOURCE_ID : source.id);
    this.replicasChanged();
    this.changed();
  }

  /** Applies a batch of events from one source. */
  ingest(sourceId: string, events: readonly InspectorEvent[], droppedBySource = 0): void {
    const source = this.sourceFor(sourceId);
    source.eventsReceived += events.length;
    source.eventsDroppedBySource += droppedBySource;
    // The gap ends where the events resume; the views mark it there.
    if (droppedBySource > 0) this.record({ type: 'eventsDropped', atMs: events[0]?.atMs ?? this.clock.now(), count: droppedBySource, sourceId });
    const replica = source.replica;
    for (const event of events) {
      // A replica's lock map reports its own calls without naming itself: the views and warnings name it.
      const sourced: SourcedEvent = { ...(replica === undefined ? event : onReplica(event, replica)), sourceId };
      this.record(sourced);
      this.apply(sourced);
    }
    this.changed();
  }

  /** Replaces a source's live holders and waiters with those of its lock map snapshot. */
  applySnapshot(sourceId: string, snapshot: LockSnapshot): void {
    const source = this.sourceFor(sourceId);
    this.clearLiveLocks(sourceId);
    let room = this.maxPartiesPerSource;
    const replica = source.replica;
    for (const reported of snapshot.resources) {
      const resource = this.resourceFor(sourceId, reported.id);
      const { holders, waiters } = this.partiesOf(resource, sourceId);
      for (const [parties, reportedParties] of [[holders, reported.holders], [waiters, reported.waiters]] as const) {
        for (const party of reportedParties) {
          if (room === 0) source.partiesRefused += 1;
          else if (!parties.has(party.chainId)) {
            parties.set(party.chainId, partyOf(party, replica));
            room -= 1;
          }
        }
      }
      this.updateBusy(resource);
    }
    this.livePartiesBySource.set(sourceId, this.maxPartiesPerSource - room);
    this.evictResources();
    this.changed();
  }

  /** Marks a source gone: its locks are no longer held or awaited, its calls no longer active; history says when. */
  disconnectSource(sourceId: string): void {
    const source = this.sources.get(sourceId);
    if (!source) return;
    source.connected = false;
    const goneAtMs = this.clock.now();
    this.record({ type: 'sourceGone', atMs: goneAtMs, sourceId });
    // A replica's holds are in Redis: they last until its lease runs out (or the next holder shows they did).
    this.clearLiveLocks(sourceId, source.replica !== undefined && source.leaseMs !== undefined ? goneAtMs + source.leaseMs : undefined);
    this.replicasChanged();
    // Resources kept only because they were busy may now be over the cap.
    this.evictResources();
    const prefix = `${sourceId}\u0000`;
    for (const callKey of this.activeCalls.keys()) if (callKey.startsWith(prefix)) this.endActiveCall(callKey);
    this.forgetOldDisconnectedSources();
    this.changed();
  }

  /** Counts a line the hub refused. */
  countRejectedLine(sourceId: string | undefined): void {
    const source = sourceId === undefined ? undefined : this.sources.get(sourceId);
    if (source) source.linesRejected += 1;
    else this.unauthenticatedRejects += 1;
    this.changed();
  }

  // ---- event application

  /** Keeps an event in history and queues it for listeners. */
  private record(event: SourcedEvent): void {
    this.historyBuffer.push(event);
    if (this.notifier.listening) this.notifier.addEvent(event);
    this.totalEvents += 1;
  }

  private apply(event: SourcedEvent): void {
    switch (event.type) {
      case 'callStarted':
        return this.callStarted(event.sourceId, event.owner);
      case 'callEnded':
        return this.callEnded(event.sourceId, event.owner, event.outcome);
      case 'inversion':
        return this.warnings.inversion(event.sourceId, event);
      case 'sourceGone':
      case 'eventsDropped':
        return;
      case 'lostUpdate':
        return this.lostUpdate(event.sourceId, event);
      default:
        return this.applyLockEvent(event.sourceId, event);
    }
  }

  private applyLockEvent(sourceId: string, event: ResourceLockEvent): void {
    const resource = this.resourceFor(sourceId, event.resource);
    const parties = this.partiesOf(resource, sourceId);
    const tool = this.toolFor(event.owner);
    const caller = event.type === 'acquired' || event.type === 'timeout' || event.type === 'deadlock' ? this.callerFor(event.owner) : undefined;
    const partiesBefore = parties.holders.size + parties.waiters.size;
    const addsParty =
      (event.type === 'requested' || event.type === 'acquired') && !parties.waiters.has(event.chainId) && !parties.holders.has(event.chainId);
    if (addsParty && (this.livePartiesBySource.get(sourceId) ?? 0) >= this.maxPartiesPerSource) {
      // A source that claims ever more holders (acquired, never released) must not grow the model without end.
      this.sourceFor(sourceId).partiesRefused += 1;
    } else {
      reduceLockEvent(parties, event);
      const added = parties.holders.size + parties.waiters.size - partiesBefore;
      if (added !== 0) this.livePartiesBySource.set(sourceId, (this.livePartiesBySource.get(sourceId) ?? 0) + added);
    }
    switch (event.type) {
      case 'acquired':
        resource.acquisitions += 1;
        resource.wait.record(event.waitedMs);
        tool?.wait.record(event.waitedMs);
        caller?.wait.record(event.waitedMs);
        if (resource.leaseEndsByMs.size > 0) this.handOver(resource, sourceId, event.mode);
        break;
      case 'released':
        resource.hold.record(event.heldMs);
        tool?.hold.record(event.heldMs);
        this.warnings.taskHold(sourceId, event);
        break;
      case 'timeout':
        resource.timeouts += 1;
        resource.lastIncident = { kind: 'timeout', atMs: event.atMs };
        this.totalTimeouts += 1;
        if (tool) tool.timeouts += 1;
        if (caller) caller.timeouts += 1;
        this.warnings.timeout({ key: resource.key, sourceId: resource.group, id: resource.id }, event.atMs);
        break;
      case 'aborted':
        resource.aborts += 1;
        resource.lastIncident = { kind: 'aborted', atMs: event.atMs };
        break;
      case 'deadlock':
        resource.deadlocks += 1;
        resource.lastIncident = { kind: 'deadlock', atMs: event.atMs };
        this.totalDeadlocks += 1;
        if (tool) tool.deadlocks += 1;
        if (caller) caller.deadlocks += 1;
        this.warnings.deadlock(sourceId, event);
        break;
      case 'longHold':
        this.warnings.longHold(sourceId, event);
        this.warnings.taskHold(sourceId, event);
        break;
      case 'leaseLost':
        this.warnings.leaseLost(sourceId, event);
        break;
      case 'requested':
      case 'reentrant':
        break;
    }
    this.updateBusy(resource);
    this.evictResources();
  }

  private lostUpdate(sourceId: string, event: LostUpdateEvent): void {
    const tool = this.toolFor(event.owner);
    if (tool) tool.lostUpdates += 1;
    this.warnings.lostUpdate(sourceId, event);
  }

  private callStarted(sourceId: string, owner: LockOwner): void {
    const callKey = callKeyOf(sourceId, owner);
    const caller = this.callerFor(owner);
    const tool = this.toolFor(owner);
    if (caller) {
      caller.calls += 1;
      if (owner.traceId !== undefined && caller.traceIds[0] !== owner.traceId) caller.traceIds = [owner.traceId, ...caller.traceIds.filter((id) => id !== owner.traceId)].slice(0, TRACE_IDS_PER_CALLER);
    }
    if (tool) tool.calls += 1;
    if ((caller === undefined && tool === undefined) || this.activeCalls.has(callKey)) return;
    this.activeCalls.set(callKey, { tool: tool?.tool, caller: caller?.caller });
    if (caller) caller.active += 1;
    if (tool) tool.active += 1;
  }

  private callEnded(sourceId: string, owner: LockOwner, outcome: 'ok' | 'error' | 'cancelled'): void {
    const tool = this.toolFor(owner);
    if (tool && outcome === 'error') tool.errors += 1;
    this.endActiveCall(callKeyOf(sourceId, owner));
  }

  /** A call is no longer active: its tool and caller count one active call less. */
  private endActiveCall(callKey: string): void {
    const active = this.activeCalls.get(callKey);
    if (active === undefined) return;
    this.activeCalls.delete(callKey);
    const tool = active.tool === undefined ? undefined : this.tools.get(active.tool);
    if (tool) tool.active = Math.max(0, tool.active - 1);
    const caller = active.caller === undefined ? undefined : this.callers.get(active.caller);
    if (caller) caller.active = Math.max(0, caller.active - 1);
  }

  // ---- state helpers

  /** The open holds and waits `sourceId` reported on `resource`. */
  private partiesOf(resource: ResourceState, sourceId: string): ResourceParties {
    let parties = resource.partiesBySource.get(sourceId);
    if (!parties) resource.partiesBySource.set(sourceId, (parties = emptyParties()));
    return parties;
  }

  /** Another replica got `resource`: holds of gone replicas that exclude it had run out of lease, whatever the clock said. */
  private handOver(resource: ResourceState, sourceId: string, mode: LockParty['mode']): void {
    for (const goneSourceId of resource.leaseEndsByMs.keys()) {
      const gone = resource.partiesBySource.get(goneSourceId);
      if (goneSourceId === sourceId || !gone) continue;
      for (const [chainId, holder] of gone.holders) if (leaseEndedBy(mode, holder.mode)) gone.holders.delete(chainId);
      if (gone.holders.size === 0) resource.leaseEndsByMs.delete(goneSourceId);
    }
    if (resource.leaseEndsByMs.size === 0) this.resourcesWithLeasesRunningOut.delete(resource.key);
  }

  /** Ends the holds of gone replicas whose lease has run out by `atMs`; true when any ended. */
  private endRunOutLeases(atMs: number): boolean {
    let ended = false;
    for (const key of this.resourcesWithLeasesRunningOut) {
      const resource = this.resources.get(key);
      for (const [goneSourceId, endsByMs] of resource?.leaseEndsByMs ?? []) {
        if (endsByMs > atMs) continue;
        resource!.leaseEndsByMs.delete(goneSourceId);
        resource!.partiesBySource.delete(goneSourceId);
        ended = true;
      }
      if (resource) this.updateBusy(resource);
      if (!resource || resource.leaseEndsByMs.size === 0) this.resourcesWithLeasesRunningOut.delete(key);
    }
    if (ended) this.version += 1;
    return ended;
  }

  /** Wakes at the next lease expiry of a gone replica, so listeners see its holds end then. */
  private scheduleLeaseTimer(): void {
    let nextMs = Infinity;
    for (const key of this.resourcesWithLeasesRunningOut) {
      for (const endsByMs of this.resources.get(key)?.leaseEndsByMs.values() ?? []) nextMs = Math.min(nextMs, endsByMs);
    }
    if (this.leaseTimer?.atMs === nextMs) return;
    if (this.leaseTimer) this.clock.clearTimeout(this.leaseTimer.handle);
    this.leaseTimer = undefined;
    if (nextMs === Infinity) return;
    const handle = this.clock.setTimeout(() => {
      this.leaseTimer = undefined;
      if (this.endRunOutLeases(this.clock.now())) this.changed();
      this.scheduleLeaseTimer();
    }, Math.max(0, nextMs - this.clock.now()));
    this.leaseTimer = { handle, atMs: nextMs };
  }

  /** Re-reads which replicas report themselves; merged rows are rebuilt when that changes. */
  private replicasChanged(): void {
    const reporting = new Set<string>();
    for (const source of this.sources.values()) if (source.connected && source.kind !== 'redis' && source.replica !== undefined) reporting.add(source.replica);
    if (reporting.size === this.reportingReplicas.size && [...reporting].every((replica) => this.reportingReplicas.has(replica))) return;
    this.reportingReplicas = reporting;
    for (const key of this.busyResourceKeys) {
      const resource = this.resources.get(key);
      if (resource?.group === REPLICAS_SOURCE_ID) resource.view = undefined;
    }
  }

  private sourceFor(sourceId: string): MutableSource {
    let source = this.sources.get(sourceId);
    if (!source) {
      // Tolerated so the model can be fed without a hub (tests, replays).
      this.addSource({ id: sourceId, label: sourceId, kind: 'external', pid: 0, connectedAtMs: this.clock.now() });
      source = this.sources.get(sourceId) as MutableSource;
    }
    return source;
  }

  private resourceFor(sourceId: string, id: string): ResourceState {
    const group = this.groupOfSource.get(sourceId) ?? sourceId;
    const key = `${group}\u0000${id}`;
    let resource = this.resources.get(key);
    if (resource) {
      this.resources.delete(key);
    } else {
      resource = {
        key,
        group,
        id,
        partiesBySource: new Map(),
        leaseEndsByMs: new Map(),
        acquisitions: 0,
        timeouts: 0,
        aborts: 0,
        deadlocks: 0,
        wait: new DurationHistogram(),
        hold: new DurationHistogram(),
      };
    }
    this.resources.set(key, resource);
    return resource;
  }

  /** The figures of whoever made the call `owner` names (describeCaller), or undefined when nothing says who. */
  private callerFor(owner: LockOwner | undefined): CallerState | undefined {
    const name = describeCaller(owner);
    if (name === undefined) return undefined;
    const known = this.callers.get(name);
    if (known) return known;
    // Past the bound, the idle callers seen first go first (no reordering on every event: it showed in ingest).
    if (this.callers.size >= this.maxTools) {
      for (const [other, state] of this.callers) {
        if (this.callers.size < this.maxTools) break;
        if (state.active === 0) this.callers.delete(other);
      }
    }
    const caller: CallerState = { caller: name, calls: 0, active: 0, timeouts: 0, deadlocks: 0, wait: new DurationHistogram(), traceIds: [] };
    this.callers.set(name, caller);
    return caller;
  }

  private toolFor(owner: LockOwner | undefined): ToolState | undefined {
    const name = owner?.tool;
    if (name === undefined) return undefined;
    let tool = this.tools.get(name);
    if (tool) {
      this.tools.delete(name);
    } else {
      tool = { tool: name, calls: 0, active: 0, errors: 0, timeouts: 0, deadlocks: 0, lostUpdates: 0, wait: new DurationHistogram(), hold: new DurationHistogram() };
      this.toolColorSlots.assign(name);
      this.evictTools();
    }
    this.tools.set(name, tool);
    return tool;
  }

  /** Files a resource as busy or idle; an idle one goes to the end of the idle list when it becomes idle (or new). */
  private updateBusy(resource: ResourceState): void {
    resource.view = undefined;
    // A source's (empty) entry stays until it goes away: a resource taken again and again needs no new maps.
    let busy = false;
    for (const parties of resource.partiesBySource.values()) if (parties.holders.size + parties.waiters.size > 0) busy = true;
    if (busy === this.busyResourceKeys.has(resource.key)) {
      if (!busy && !this.idleResourceKeys.has(resource.key)) this.idleResourceKeys.add(resource.key);
      return;
    }
    if (busy) {
      this.busyResourceKeys.add(resource.key);
      this.idleResourceKeys.delete(resource.key);
    } else {
      this.busyResourceKeys.delete(resource.key);
      this.idleResourceKeys.add(resource.key);
    }
  }

  /** Drops a source's holds and waits; with `leaseEndsByMs` (a gone replica) its holds stay until then, marked. */
  private clearLiveLocks(sourceId: string, leaseEndsByMs?: number): void {
    this.livePartiesBySource.delete(sourceId);
    for (const key of this.busyResourceKeys) {
      const resource = this.resources.get(key);
      const parties = resource?.partiesBySource.get(sourceId);
      if (!resource || !parties) continue;
      parties.waiters.clear();
      if (leaseEndsByMs !== undefined && parties.holders.size > 0) {
        resource.leaseEndsByMs.set(sourceId, leaseEndsByMs);
        this.resourcesWithLeasesRunningOut.add(key);
      } else {
        resource.partiesBySource.delete(sourceId);
        resource.leaseEndsByMs.delete(sourceId);
      }
      this.updateBusy(resource);
    }
    if (leaseEndsByMs !== undefined) this.scheduleLeaseTimer();
    // Idle resources keep the source's empty entry otherwise.
    for (const key of this.idleResourceKeys) this.resources.get(key)?.partiesBySource.delete(sourceId);
  }

  private evictResources(): void {
    if (this.resources.size <= this.maxResources) return;
    for (const key of this.idleResourceKeys) {
      if (this.resources.size <= this.maxResources) return;
      this.idleResourceKeys.delete(key);
      this.resources.delete(key);
    }
  }

  private evictTools(): void {
    if (this.tools.size < this.maxTools) return;
    for (const [name, tool] of this.tools) {
      if (this.tools.size < this.maxTools) return;
      if (tool.active === 0) this.tools.delete(name);
    }
  }

  private forgetOldDisconnectedSources(): void {
    const disconnected = [...this.sources.values()].filter((source) => !source.connected);
    for (const source of disconnected.slice(0, Math.max(0, disconnected.length - this.maxDisconnectedSources))) {
      this.sources.delete(source.id);
      this.groupOfSource.delete(source.id);
      this.livePartiesBySource.delete(source.id);
    }
  }

  // ---- snapshot and notification

  private buildSnapshot(atMs: number): InspectorSnapshot {
    const busy: ResourceView[] = [];
    const idle: ResourceView[] = [];
    const holdingByTool = new Map<string, string[]>();
    const partiesByCaller = new Map<string, { holding: number; waiting: number }>();
    const countCaller = (owner: LockOwner | undefined, kind: 'holding' | 'waiting') => {
      const name = describeCaller(owner);
      if (name === undefined) return;
      const counts = partiesByCaller.get(name) ?? { holding: 0, waiting: 0 };
      counts[kind] += 1;
      partiesByCaller.set(name, counts);
    };
    let held = 0;
    let waiting = 0;
    for (const resource of this.resources.values()) {
      const view = (resource.view ??= this.viewOf(resource));
      if (!this.busyResourceKeys.has(resource.key)) {
        idle.push(view);
        continue;
      }
      busy.push(view);
      held += view.holders.length;
      waiting += view.waiters.length;
      for (const holder of view.holders) countCaller(holder.owner, 'holding');
      for (const waiter of view.waiters) countCaller(waiter.owner, 'waiting');
      for (const holder of view.holders) {
        const tool = holder.owner?.tool;
        if (tool === undefined) continue;
        const holding = holdingByTool.get(tool) ?? [];
        holding.push(resource.id);
        holdingByTool.set(tool, holding);
      }
    }
    // Longest queue first, then the longest-held; idle resources most recently active first.
    busy.sort(
      (a, b) =>
        b.waiters.length - a.waiters.length ||
        (a.holders[0]?.sinceMs ?? Infinity) - (b.holders[0]?.sinceMs ?? Infinity) ||
        a.key.localeCompare(b.key),
    );
    idle.reverse();
    const tools: ToolView[] = [...this.tools.values()]
      .map((tool) => ({
        tool: tool.tool,
        calls: tool.calls,
        active: tool.active,
        errors: tool.errors,
        timeouts: tool.timeouts,
        deadlocks: tool.deadlocks,
        lostUpdates: tool.lostUpdates,
        wait: tool.wait.stats(),
        hold: tool.hold.stats(),
        holding: holdingByTool.get(tool.tool) ?? [],
      }))
      .sort((a, b) => a.tool.localeCompare(b.tool));
    const callers: CallerView[] = [...this.callers.values()]
      .map((caller) => ({
        caller: caller.caller,
        calls: caller.calls,
        active: caller.active,
        holding: partiesByCaller.get(caller.caller)?.holding ?? 0,
        waiting: partiesByCaller.get(caller.caller)?.waiting ?? 0,
        timeouts: caller.timeouts,
        deadlocks: caller.deadlocks,
        wait: caller.wait.stats(),
        traceIds: caller.traceIds,
      }))
      .sort((a, b) => b.holding + b.waiting - (a.holding + a.waiting) || b.calls - a.calls || a.caller.localeCompare(b.caller));
    const sources = [...this.sources.values()].map((source) => ({ ...source }));
    const linesRejected = sources.reduce((sum, source) => sum + source.linesRejected, this.unauthenticatedRejects);
    return {
      atMs,
      sources,
      resources: [...busy, ...idle],
      tools,
      callers,
      toolColorSlots: this.toolColorSlots.toRecord(),
      warnings: this.warnings.list(),
      totals: {
        held,
        waiting,
        timeouts: this.totalTimeouts,
        deadlocks: this.totalDeadlocks,
        events: this.totalEvents,
        linesRejected,
      },
    };
  }

  private changed(cleared = false): void {
    this.version += 1;
    this.notifier.changed(cleared);
  }

  /**
   * A resource as the views show it. Merged over replicas: holders and waiters of every replica in the order they
   * began, each naming its replica; a Redis reading adds only the parties of replicas that do not report themselves,
   * and a party seen both ways (a gone replica's hold, still in Redis) counts once.
   */
  private viewOf(resource: ResourceState): ResourceView {
    const merged = resource.group === REPLICAS_SOURCE_ID;
    const isRedisReading = (sourceId: string) => this.sources.get(sourceId)?.kind === 'redis';
    const entries = merged ? [...resource.partiesBySource].sort(([a], [b]) => Number(isRedisReading(a)) - Number(isRedisReading(b))) : resource.partiesBySource;
    const holders: PartyView[] = [];
    const waiters: PartyView[] = [];
    const seen = new Set<string>();
    for (const [sourceId, parties] of entries) {
      const fromRedis = merged && isRedisReading(sourceId);
      const leaseEndsByMs = resource.leaseEndsByMs.get(sourceId);
      for (const [shown, open] of [[holders, parties.holders], [waiters, parties.waiters]] as const) {
        for (const party of open.values()) {
          const replica = party.owner?.replica;
          if (fromRedis && replica !== undefined && this.reportingReplicas.has(replica)) continue;
          if (merged) {
            const identity = `${replica ?? sourceId}\u0000${party.chainId}`;
            if (seen.has(identity)) continue;
            seen.add(identity);
          }
          shown.push(leaseEndsByMs === undefined ? party : { ...party, leaseEndsByMs });
        }
      }
    }
    if (merged) {
      holders.sort((a, b) => a.sinceMs - b.sinceMs);
      waiters.sort((a, b) => a.sinceMs - b.sinceMs);
    }
    const replicas = merged ? [...new Set([...holders, ...waiters].flatMap((party) => (party.owner?.replica === undefined ? [] : [party.owner.replica])))].sort() : undefined;
    return {
      key: resource.key,
      sourceId: resource.group,
      ...(replicas === undefined ? {} : { replicas }),
      id: resource.id,
      holders,
      waiters,
      acquisitions: resource.acquisitions,
      timeouts: resource.timeouts,
      aborts: resource.aborts,
      deadlocks: resource.deadlocks,
      wait: resource.wait.stats(),
      hold: resource.hold.stats(),
      ...(resource.lastIncident ? { lastIncident: resource.lastIncident } : {}),
    };
  }
}

/** A snapshot's party as the model keeps it; a replica's own parties name it. */
function partyOf(party: LockParty, replica: string | undefined): PartyView {
  return { chainId: party.chainId, owner: ownerOn(party.owner, replica), mode: party.mode, sinceMs: party.sinceMs };
}

/** `owner` naming `replica` (when given) unless it names one already: a replica's lock map leaves its own name out. */
function ownerOn(owner: LockOwner | undefined, replica: string | undefined): LockOwner | undefined {
  return replica === undefined || owner?.replica !== undefined ? owner : { ...owner, replica };
}

/** An event of a replica's lock map with its own calls (owner, a timeout's holders, a cycle's calls) on that replica. */
function onReplica(event: InspectorEvent, replica: string): InspectorEvent {
  const owner = ownerOn(event.owner, replica);
  switch (event.type) {
    case 'timeout':
      return { ...event, owner, holders: event.holders.map((holder) => partyOf(holder, replica)) };
    case 'deadlock':
      return { ...event, owner, cycle: event.cycle.map((edge) => ({ ...edge, waiter: { ...edge.waiter, owner: ownerOn(edge.waiter.owner, replica) }, holderReplica: edge.holderReplica ?? replica })) };
    default:
      return { ...event, owner } as InspectorEvent;
  }
}

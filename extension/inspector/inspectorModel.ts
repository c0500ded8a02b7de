import type { LockEvent, LockOwner, LockSnapshot, WaitForEdge } from '../contract/lockEvents';
import type { InspectorEvent } from '../contract/wireFormat';
import { BoundedHistory } from './boundedHistory';
import { callKeyOf, describeOwner, formatDuration } from '../contract/describe';
import { DurationHistogram } from './durationHistogram';
import type { InspectorSink } from './inspectorHub';
import type {
  InspectorModelReader,
  InspectorSnapshot,
  ModelChange,
  PartyView,
  ResourceView,
  SourceInfo,
  SourceKind,
  SourcedEvent,
  ToolView,
  WarningView,
} from '../contract/inspectorSnapshot';

/** Timers and time the model uses; injectable so tests drive them with fake timers. */
export interface ModelClock {
  now(): number;
  setTimeout(callback: () => void, delayMs: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Limits and thresholds of an InspectorModel; every field has a default. */
export interface InspectorModelOptions {
  /** Events kept in history (default 50,000). */
  readonly maxEvents?: number;
  /** Resources kept; beyond it the least recently active idle ones are forgotten (default 20,000). */
  readonly maxResources?: number;
  /** Tools kept; beyond it the least recently active idle ones are forgotten (default 1,000). */
  readonly maxTools?: number;
  /** Warnings kept, newest first (default 200). */
  readonly maxWarnings?: number;
  /** Disconnected sources still listed (default 20). */
  readonly maxDisconnectedSources?: number;
  /** This many timeouts on one resource within `windowMs` raise a timeout-storm warning (default 5 in 10 s). */
  readonly timeoutStorm?: { readonly timeouts: number; readonly windowMs: number };
  /** Least time between two change notifications (default 50 ms, i.e. at most 20 a second). */
  readonly notifyIntervalMs?: number;
  readonly clock?: ModelClock;
}

/** Default history retention, also the default of the extension's setting. */
export const DEFAULT_MAX_EVENTS = 50_000;

const realClock: ModelClock = {
  now: () => Date.now(),
  setTimeout: (callback, delayMs) => setTimeout(callback, delayMs).unref(),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

type MutableSource = { -readonly [K in keyof SourceInfo]: SourceInfo[K] };

interface ResourceState {
  readonly key: string;
  readonly sourceId: string;
  readonly id: string;
  /** By chain id, in the order they got the resource. */
  readonly holders: Map<number, PartyView>;
  /** By chain id, in queue order. */
  readonly waiters: Map<number, PartyView>;
  acquisitions: number;
  timeouts: number;
  aborts: number;
  deadlocks: number;
  readonly wait: DurationHistogram;
  readonly hold: DurationHistogram;
  lastIncident?: ResourceView['lastIncident'];
  /** Event times of recent timeouts, for storm detection; pruned to the storm window. */
  recentTimeoutsMs: number[];
  view?: ResourceView;
}

interface ToolState {
  readonly tool: string;
  calls: number;
  active: number;
  errors: number;
  timeouts: number;
  deadlocks: number;
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
  private readonly maxWarnings: number;
  private readonly maxDisconnectedSources: number;
  private readonly stormTimeouts: number;
  private readonly stormWindowMs: number;
  private readonly notifyIntervalMs: number;
  private readonly clock: ModelClock;

  private readonly sources = new Map<string, MutableSource>();
  /** Insertion order is recency order: touching a resource moves it to the end. */
  private readonly resources = new Map<string, ResourceState>();
  private readonly busyResourceKeys = new Set<string>();
  private readonly tools = new Map<string, ToolState>();
  /** `${sourceId}\0${sessionId}\0${requestId}` of calls that started and have not ended, to their tool. */
  private readonly activeCalls = new Map<string, string>();
  private readonly historyBuffer: BoundedHistory<SourcedEvent>;
  private warnings: WarningView[] = [];
  private readonly warningOccurrences = new Map<string, number>();
  private unauthenticatedRejects = 0;
  private totalTimeouts = 0;
  private totalDeadlocks = 0;
  private totalEvents = 0;

  private version = 0;
  private cachedSnapshot: { version: number; snapshot: InspectorSnapshot } | undefined;
  private readonly listeners = new Set<(change: ModelChange) => void>();
  private pendingEvents: SourcedEvent[] = [];
  private pendingCleared = false;
  private changePending = false;
  private notifyTimer: unknown;
  private lastNotifyMs = -Infinity;

  constructor(options: InspectorModelOptions = {}) {
    this.historyBuffer = new BoundedHistory(positiveInteger('maxEvents', options.maxEvents ?? DEFAULT_MAX_EVENTS));
    this.maxResources = positiveInteger('maxResources', options.maxResources ?? 20_000);
    this.maxTools = positiveInteger('maxTools', options.maxTools ?? 1_000);
    this.maxWarnings = positiveInteger('maxWarnings', options.maxWarnings ?? 200);
    this.maxDisconnectedSources = positiveInteger('maxDisconnectedSources', options.maxDisconnectedSources ?? 20);
    this.stormTimeouts = positiveInteger('timeoutStorm.timeouts', options.timeoutStorm?.timeouts ?? 5);
    this.stormWindowMs = options.timeoutStorm?.windowMs ?? 10_000;
    this.notifyIntervalMs = options.notifyIntervalMs ?? 50;
    this.clock = options.clock ?? realClock;
  }

  // ---- InspectorModelReader

  /** The whole model now; cheap when nothing changed since the last call. */
  snapshot(): InspectorSnapshot {
    const atMs = this.clock.now();
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
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.cancelNotification();
    };
  }

  /** Forgets history, statistics and warnings; keeps who holds and waits for what right now. */
  clear(): void {
    this.historyBuffer.clear();
    this.warnings = [];
    this.warningOccurrences.clear();
    this.totalTimeouts = 0;
    this.totalDeadlocks = 0;
    this.totalEvents = 0;
    for (const [key, resource] of this.resources) {
      if (!this.busyResourceKeys.has(key)) {
        this.resources.delete(key);
        continue;
      }
      resource.acquisitions = resource.timeouts = resource.aborts = resource.deadlocks = 0;
      resource.wait.reset();
      resource.hold.reset();
      resource.lastIncident = undefined;
      resource.recentTimeoutsMs = [];
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
    this.pendingEvents = [];
    this.pendingCleared = true;
    this.changed();
  }

  /** Delivers a pending change now instead of at the next interval, e.g. before a process exits. */
  flushChanges(): void {
    if (this.notifyTimer !== undefined) this.clock.clearTimeout(this.notifyTimer);
    this.notify();
  }

  /** Events pushed out of history by newer ones since the last clear. */
  get historyEvicted(): number {
    return this.historyBuffer.evicted;
  }

  // ---- InspectorSink (the hub calls these)

  /** Registers a newly authenticated source. */
  addSource(source: { id: string; label: string; kind: SourceKind; pid: number; connectedAtMs: number }): void {
    this.sources.set(source.id, {
      ...source,
      connected: true,
      eventsReceived: 0,
      eventsDroppedBySource: 0,
      linesRejected: 0,
    });
    this.changed();
  }

  /** Applies a batch of events from one source. */
  ingest(sourceId: string, events: readonly InspectorEvent[], droppedBySource = 0): void {
    const source = this.sourceFor(sourceId);
    source.eventsReceived += events.length;
    source.eventsDroppedBySource += droppedBySource;
    const notify = this.listeners.size > 0;
    for (const event of events) {
      const sourced: SourcedEvent = { ...event, sourceId };
      this.historyBuffer.push(sourced);
      if (notify) this.pendingEvents.push(sourced);
      this.totalEvents += 1;
      this.apply(sourced);
    }
    // Listeners that fall far behind get the newest events; the history still holds the rest. Trimming only at
    // twice the bound keeps the copy amortised O(1) per event.
    const maxPending = this.historyBuffer.capacity;
    if (this.pendingEvents.length > 2 * maxPending) this.pendingEvents = this.pendingEvents.slice(-maxPending);
    this.changed();
  }

  /** Replaces a source's live holders and waiters with those of its lock map snapshot. */
  applySnapshot(sourceId: string, snapshot: LockSnapshot): void {
    this.sourceFor(sourceId);
    this.clearLiveLocks(sourceId);
    for (const reported of snapshot.resources) {
      const resource = this.resourceFor(sourceId, reported.id);
      for (const holder of reported.holders) resource.holders.set(holder.chainId, partyOf(holder));
      for (const waiter of reported.waiters) resource.waiters.set(waiter.chainId, partyOf(waiter));
      this.updateBusy(resource);
    }
    this.evictResources();
    this.changed();
  }

  /** Marks a source gone: its locks are no longer held or awaited, its calls no longer active. */
  disconnectSource(sourceId: string): void {
    const source = this.sources.get(sourceId);
    if (!source) return;
    source.connected = false;
    this.clearLiveLocks(sourceId);
    // Resources kept only because they were busy may now be over the cap.
    this.evictResources();
    const prefix = `${sourceId}\u0000`;
    for (const [callKey, toolName] of this.activeCalls) {
      if (!callKey.startsWith(prefix)) continue;
      this.activeCalls.delete(callKey);
      const tool = this.tools.get(toolName);
      if (tool) tool.active = Math.max(0, tool.active - 1);
    }
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

  private apply(event: SourcedEvent): void {
    switch (event.type) {
      case 'callStarted':
        return this.callStarted(event.sourceId, event.owner);
      case 'callEnded':
        return this.callEnded(event.sourceId, event.owner, event.outcome);
      case 'inversion':
        return this.addInversionWarning(event);
      default:
        return this.applyLockEvent(event.sourceId, event);
    }
  }

  private applyLockEvent(sourceId: string, event: Exclude<LockEvent, { type: 'inversion' }>): void {
    const resource = this.resourceFor(sourceId, event.resource);
    const tool = this.toolFor(event.owner);
    switch (event.type) {
      case 'requested':
        resource.waiters.set(event.chainId, { chainId: event.chainId, owner: event.owner, mode: event.mode, sinceMs: event.atMs });
        break;
      case 'acquired':
        resource.waiters.delete(event.chainId);
        resource.holders.set(event.chainId, { chainId: event.chainId, owner: event.owner, mode: event.mode, sinceMs: event.atMs });
        resource.acquisitions += 1;
        resource.wait.record(event.waitedMs);
        tool?.wait.record(event.waitedMs);
        break;
      case 'released':
        resource.holders.delete(event.chainId);
        resource.hold.record(event.heldMs);
        tool?.hold.record(event.heldMs);
        break;
      case 'timeout':
        resource.waiters.delete(event.chainId);
        resource.timeouts += 1;
        resource.lastIncident = { kind: 'timeout', atMs: event.atMs };
        this.totalTimeouts += 1;
        if (tool) tool.timeouts += 1;
        this.detectTimeoutStorm(resource, event.atMs);
        break;
      case 'aborted':
        resource.waiters.delete(event.chainId);
        resource.aborts += 1;
        resource.lastIncident = { kind: 'aborted', atMs: event.atMs };
        break;
      case 'deadlock':
        resource.waiters.delete(event.chainId);
        resource.deadlocks += 1;
        resource.lastIncident = { kind: 'deadlock', atMs: event.atMs };
        this.totalDeadlocks += 1;
        if (tool) tool.deadlocks += 1;
        this.addDeadlockWarning(sourceId, event.resource, event.owner, event.chainId, event.cycle, event.atMs);
        break;
      case 'reentrant':
        resource.waiters.delete(event.chainId);
        break;
      case 'longHold':
        this.addLongHoldWarning(sourceId, event.resource, event.owner, event.chainId, event.heldMs, event.thresholdMs, event.atMs);
        break;
    }
    this.updateBusy(resource);
    this.evictResources();
  }

  private callStarted(sourceId: string, owner: LockOwner): void {
    const tool = this.toolFor(owner);
    if (!tool) return;
    tool.calls += 1;
    const callKey = callKeyOf(sourceId, owner);
    if (!this.activeCalls.has(callKey)) {
      this.activeCalls.set(callKey, tool.tool);
      tool.active += 1;
    }
  }

  private callEnded(sourceId: string, owner: LockOwner, outcome: 'ok' | 'error' | 'cancelled'): void {
    const tool = this.toolFor(owner);
    if (!tool) return;
    if (outcome === 'error') tool.errors += 1;
    const callKey = callKeyOf(sourceId, owner);
    if (this.activeCalls.delete(callKey)) tool.active = Math.max(0, tool.active - 1);
  }

  // ---- warnings

  private addDeadlockWarning(
    sourceId: string,
    resource: string,
    owner: LockOwner | undefined,
    chainId: number,
    cycle: readonly WaitForEdge[],
    atMs: number,
  ): void {
    const cycleResources = [...new Set([resource, ...cycle.map((edge) => edge.resource)])].sort();
    this.upsertWarning(`deadlock:${sourceId}:${cycleResources.join('\u0000')}`, (occurrences) => ({
      kind: 'deadlock',
      sourceId,
      atMs,
      cycle,
      message:
        `Deadlock averted${timesText(occurrences)}: ${describeOwner(owner, chainId)} asked for '${resource}', ` +
        `closing the cycle ${describeCycle(cycle)}. The request failed with E_DEADLOCK; take these locks in one ` +
        `global order (e.g. one withLocks call with all ids).`,
    }));
  }

  private addInversionWarning(event: Extract<SourcedEvent, { type: 'inversion' }>): void {
    const { earlier, later } = event;
    const pair = [earlier.first, earlier.second].sort().join('\u0000');
    const site = (order: typeof earlier) =>
      `${describeOwner(order.owner, order.chainId)} took '${order.first}' then '${order.second}'` +
      (order.location ? ` at ${order.location}` : '');
    this.upsertWarning(`inversion:${event.sourceId}:${pair}`, (occurrences) => ({
      kind: 'inversion',
      sourceId: event.sourceId,
      atMs: event.atMs,
      earlier,
      later,
      message:
        `Lock order inversion${timesText(occurrences)}: ${site(earlier)}, but ${site(later)}. ` +
        `Two such calls at once can deadlock; take both resources in one order.`,
    }));
  }

  private addLongHoldWarning(
    sourceId: string,
    resource: string,
    owner: LockOwner | undefined,
    chainId: number,
    heldMs: number,
    thresholdMs: number,
    atMs: number,
  ): void {
    const who = owner?.tool ?? owner?.label ?? '';
    this.upsertWarning(`longHold:${sourceId}:${resource}:${who}`, (occurrences) => ({
      kind: 'longHold',
      sourceId,
      atMs,
      resource,
      owner,
      heldMs,
      message:
        `Long hold${timesText(occurrences)}: ${describeOwner(owner, chainId)} has held '${resource}' for ` +
        `${formatDuration(heldMs)} (threshold ${formatDuration(thresholdMs)}); is it held across a slow call?`,
    }));
  }

  private detectTimeoutStorm(resource: ResourceState, atMs: number): void {
    const windowStart = atMs - this.stormWindowMs;
    resource.recentTimeoutsMs = resource.recentTimeoutsMs.filter((timeMs) => timeMs > windowStart);
    resource.recentTimeoutsMs.push(atMs);
    const timeouts = resource.recentTimeoutsMs.length;
    if (timeouts < this.stormTimeouts) return;
    // One warning per storm: it is updated while timeouts keep coming, a new one starts after a quiet window.
    const current = this.warnings.find(
      (warning) => warning.kind === 'timeoutStorm' && warning.id.startsWith(`timeoutStorm:${resource.key}:`) && warning.atMs > windowStart,
    );
    const id = current?.id ?? `timeoutStorm:${resource.key}:${atMs}`;
    this.upsertWarning(id, () => ({
      kind: 'timeoutStorm',
      sourceId: resource.sourceId,
      atMs,
      resource: resource.id,
      timeouts,
      windowMs: this.stormWindowMs,
      message:
        `Timeout storm: ${timeouts} lock timeouts on '${resource.id}' within ${formatDuration(this.stormWindowMs)}. ` +
        `A holder may be stuck, or the lock is too coarse for the load.`,
    }));
  }

  /** Adds a warning, or refreshes the one with the same id and moves it to the front. */
  private upsertWarning(id: string, build: (occurrences: number) => DistributiveOmit<WarningView, 'id'>): void {
    const occurrences = (this.warningOccurrences.get(id) ?? 0) + 1;
    const warning = { id, ...build(occurrences) } as WarningView;
    const previousIndex = occurrences > 1 ? this.warnings.findIndex((existing) => existing.id === id) : -1;
    if (previousIndex >= 0) this.warnings.splice(previousIndex, 1);
    this.warnings.unshift(warning);
    this.warningOccurrences.set(id, occurrences);
    while (this.warnings.length > this.maxWarnings) {
      const dropped = this.warnings.pop();
      if (dropped) this.warningOccurrences.delete(dropped.id);
    }
  }

  // ---- state helpers

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
    const key = `${sourceId}\u0000${id}`;
    let resource = this.resources.get(key);
    if (resource) {
      this.resources.delete(key);
    } else {
      resource = {
        key,
        sourceId,
        id,
        holders: new Map(),
        waiters: new Map(),
        acquisitions: 0,
        timeouts: 0,
        aborts: 0,
        deadlocks: 0,
        wait: new DurationHistogram(),
        hold: new DurationHistogram(),
        recentTimeoutsMs: [],
      };
    }
    this.resources.set(key, resource);
    return resource;
  }

  private toolFor(owner: LockOwner | undefined): ToolState | undefined {
    const name = owner?.tool;
    if (name === undefined) return undefined;
    let tool = this.tools.get(name);
    if (tool) {
      this.tools.delete(name);
    } else {
      tool = { tool: name, calls: 0, active: 0, errors: 0, timeouts: 0, deadlocks: 0, wait: new DurationHistogram(), hold: new DurationHistogram() };
      this.evictTools();
    }
    this.tools.set(name, tool);
    return tool;
  }

  private updateBusy(resource: ResourceState): void {
    resource.view = undefined;
    if (resource.holders.size > 0 || resource.waiters.size > 0) this.busyResourceKeys.add(resource.key);
    else this.busyResourceKeys.delete(resource.key);
  }

  private clearLiveLocks(sourceId: string): void {
    for (const key of this.busyResourceKeys) {
      const resource = this.resources.get(key);
      if (!resource || resource.sourceId !== sourceId) continue;
      resource.holders.clear();
      resource.waiters.clear();
      this.updateBusy(resource);
    }
  }

  private evictResources(): void {
    if (this.resources.size <= this.maxResources) return;
    for (const key of this.resources.keys()) {
      if (this.resources.size <= this.maxResources) return;
      if (!this.busyResourceKeys.has(key)) this.resources.delete(key);
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
    }
  }

  // ---- snapshot and notification

  private buildSnapshot(atMs: number): InspectorSnapshot {
    const busy: ResourceView[] = [];
    const idle: ResourceView[] = [];
    const holdingByTool = new Map<string, string[]>();
    let held = 0;
    let waiting = 0;
    for (const resource of this.resources.values()) {
      const view = (resource.view ??= viewOf(resource));
      if (!this.busyResourceKeys.has(resource.key)) {
        idle.push(view);
        continue;
      }
      busy.push(view);
      held += view.holders.length;
      waiting += view.waiters.length;
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
        wait: tool.wait.stats(),
        hold: tool.hold.stats(),
        holding: holdingByTool.get(tool.tool) ?? [],
      }))
      .sort((a, b) => a.tool.localeCompare(b.tool));
    const sources = [...this.sources.values()].map((source) => ({ ...source }));
    const linesRejected = sources.reduce((sum, source) => sum + source.linesRejected, this.unauthenticatedRejects);
    return {
      atMs,
      sources,
      resources: [...busy, ...idle],
      tools,
      warnings: [...this.warnings],
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

  private changed(): void {
    this.version += 1;
    if (this.listeners.size === 0) return;
    this.changePending = true;
    if (this.notifyTimer !== undefined) return;
    const delayMs = Math.max(0, this.lastNotifyMs + this.notifyIntervalMs - this.clock.now());
    this.notifyTimer = this.clock.setTimeout(() => this.notify(), delayMs);
  }

  private notify(): void {
    this.notifyTimer = undefined;
    if (!this.changePending) return;
    this.lastNotifyMs = this.clock.now();
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

  private cancelNotification(): void {
    if (this.notifyTimer !== undefined) this.clock.clearTimeout(this.notifyTimer);
    this.notifyTimer = undefined;
    this.changePending = false;
    this.pendingEvents = [];
    this.pendingCleared = false;
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

function viewOf(resource: ResourceState): ResourceView {
  return {
    key: resource.key,
    sourceId: resource.sourceId,
    id: resource.id,
    holders: [...resource.holders.values()],
    waiters: [...resource.waiters.values()],
    acquisitions: resource.acquisitions,
    timeouts: resource.timeouts,
    aborts: resource.aborts,
    deadlocks: resource.deadlocks,
    wait: resource.wait.stats(),
    hold: resource.hold.stats(),
    ...(resource.lastIncident ? { lastIncident: resource.lastIncident } : {}),
  };
}

function partyOf(party: PartyView): PartyView {
  return { chainId: party.chainId, owner: party.owner, mode: party.mode, sinceMs: party.sinceMs };
}

function describeCycle(cycle: readonly WaitForEdge[]): string {
  const ownerOfChain = new Map(cycle.map((edge) => [edge.waiter.chainId, edge.waiter.owner]));
  return cycle
    .map(
      (edge) =>
        `${describeOwner(edge.waiter.owner, edge.waiter.chainId)} waits for '${edge.resource}' held by ` +
        describeOwner(ownerOfChain.get(edge.holderChainId), edge.holderChainId),
    )
    .join(' -> ');
}

function timesText(occurrences: number): string {
  return occurrences > 1 ? ` (${occurrences} times)` : '';
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`InspectorModel option ${name} must be a positive integer, got ${value}`);
  return value;
}

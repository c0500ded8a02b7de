import { describeOwner, describeParty } from '../contract/describe';
import { callKeyOf, emptyParties, endAllParties, isResourceLockEvent, reduceLockEvent, type LockInterval, type ResourceLockEvent, type ResourceParties } from '../contract/lockIntervals';
import type { SourceInfo, SourcedEvent } from '../contract/inspectorSnapshot';
import { perfettoTracks } from './perfettoTracks';

/** One entry of the Chrome Trace Event format (the subset this exporter writes). */
export interface ChromeTraceEvent {
  readonly name: string;
  readonly cat?: string;
  /** X complete, i instant, M metadata; s/f flow start and end, b/e async slice begin and end, C counter. */
  readonly ph: 'X' | 'i' | 'M' | 's' | 'f' | 'b' | 'e' | 'C';
  /** Microseconds since the first exported moment. */
  readonly ts: number;
  readonly dur?: number;
  readonly pid: number;
  readonly tid: number;
  /** Scope of an instant: thread or process. */
  readonly s?: 't' | 'p';
  readonly args?: Record<string, unknown>;
  /** Pairs a flow's start with its end. */
  readonly id?: string;
  /** Pairs an async slice's begin with its end, scoped to its process. */
  readonly id2?: { readonly local: string };
  /** A flow end binds to the slice enclosing it ('e'). */
  readonly bp?: 'e';
}

/** A trace in the JSON Object Format that Perfetto and chrome://tracing open. */
export interface ChromeTrace {
  readonly traceEvents: ChromeTraceEvent[];
  readonly displayTimeUnit: 'ms';
  readonly otherData: { readonly generator: string; readonly startEpochMs: number; readonly events: number };
}

interface Interval {
  readonly sourceId: string;
  /** The resource id, or undefined for a tool call. */
  readonly resource: string | undefined;
  readonly kind: 'hold' | 'wait' | 'call';
  readonly startMs: number;
  readonly endMs: number;
  readonly name: string;
  readonly args: Record<string, unknown>;
}

interface Instant {
  readonly sourceId: string;
  readonly resource: string | undefined;
  readonly atMs: number;
  readonly name: string;
  readonly cat: string;
  readonly args: Record<string, unknown>;
}

const TOOL_CALLS_TRACK = 'tool calls';

/**
 * Turns model history into a Chrome trace: one process per source, per resource a track of holds and tracks of
 * waits (overlapping slices go to extra lanes, since a track must nest), a track of tool calls, and instant
 * markers for timeouts, aborts, deadlocks, re-entry, inversions and long holds; plus `perfettoTracks` (hand-over and
 * wait-for flows, an async track and a queue counter per resource). Holds and waits still open at the end of the
 * history run to its last event and say `unfinished`.
 */
export function exportChromeTrace(history: readonly SourcedEvent[], sources: readonly SourceInfo[] = []): ChromeTrace {
  const { intervals, instants } = collect(history);
  let originMs = Infinity;
  for (const interval of intervals) originMs = Math.min(originMs, interval.startMs);
  for (const instant of instants) originMs = Math.min(originMs, instant.atMs);
  if (originMs === Infinity) originMs = 0;
  const micros = (epochMs: number) => Math.round((epochMs - originMs) * 1000);

  const tracks = new TrackTable(sources);
  const traceEvents: ChromeTraceEvent[] = [];
  for (const laneIntervals of groupBy(intervals, (interval) => `${interval.sourceId}\u0000${interval.resource ?? ''}\u0000${interval.kind}`).values()) {
    const { sourceId, resource, kind } = laneIntervals[0] as Interval;
    for (const { interval, lane } of assignLanes(laneIntervals)) {
      const { pid, tid } = tracks.trackOf(sourceId, resource, kind, lane);
      traceEvents.push({
        name: interval.name,
        cat: kind,
        ph: 'X',
        ts: micros(interval.startMs),
        dur: micros(interval.endMs) - micros(interval.startMs),
        pid,
        tid,
        args: interval.args,
      });
    }
  }
  for (const instant of instants) {
    const { pid, tid } = tracks.trackOf(instant.sourceId, instant.resource, instant.resource === undefined ? 'call' : 'hold', 0);
    traceEvents.push({
      name: instant.name,
      cat: instant.cat,
      ph: 'i',
      s: instant.resource === undefined ? 'p' : 't',
      ts: micros(instant.atMs),
      pid,
      tid,
      args: instant.args,
    });
  }
  traceEvents.push(...perfettoTracks(history, traceEvents, { micros, pidOf: (sourceId) => tracks.pidOf(sourceId) }));
  traceEvents.sort((a, b) => a.ts - b.ts);
  return {
    traceEvents: [...tracks.metadata(), ...traceEvents],
    displayTimeUnit: 'ms',
    otherData: { generator: 'MCP Lock Inspector', startEpochMs: originMs, events: history.length },
  };
}

function collect(history: readonly SourcedEvent[]): { intervals: Interval[]; instants: Instant[] } {
  const intervals: Interval[] = [];
  const instants: Instant[] = [];
  const partiesByResource = new Map<string, { sourceId: string; resource: string; parties: ResourceParties }>();
  const openCalls = new Map<string, SourcedEvent & { type: 'callStarted' }>();
  const lastMs = history.reduce((latest, event) => Math.max(latest, event.atMs), -Infinity);

  const addLockInterval = (sourceId: string, resource: string, interval: LockInterval): void => {
    if (interval.kind === 'wait' && interval.endMs - interval.startMs <= 0) return;
    const who = describeParty(interval);
    const finished = interval.outcome !== 'unfinished';
    intervals.push({
      sourceId,
      resource,
      kind: interval.kind,
      startMs: interval.startMs,
      endMs: interval.endMs,
      name: interval.kind === 'hold' ? `held by ${who}` : `${who} waits`,
      args: {
        resource,
        owner: interval.owner,
        chainId: interval.chainId,
        ...(interval.owner?.replica !== undefined ? { replica: interval.owner.replica } : {}),
        ...(interval.kind === 'hold' ? { mode: interval.mode } : {}),
        ...(!finished
          ? { unfinished: true }
          : interval.kind === 'hold'
            ? { heldMs: interval.endMs - interval.startMs, ...(interval.outcome === 'released' ? {} : { outcome: interval.outcome }) }
            : { waitedMs: interval.endMs - interval.startMs, outcome: interval.outcome }),
      },
    });
  };
  const instantOn = (event: Extract<SourcedEvent, ResourceLockEvent>, name: string, args: Record<string, unknown>) =>
    instants.push({
      sourceId: event.sourceId,
      resource: event.resource,
      atMs: event.atMs,
      name: `${name}: ${describeParty(event)}`,
      cat: event.type,
      args: { owner: event.owner, chainId: event.chainId, ...args },
    });

  for (const event of history) {
    switch (event.type) {
      case 'callStarted':
        openCalls.set(callKeyOf(event.sourceId, event.owner), event);
        continue;
      case 'callEnded':
        openCalls.delete(callKeyOf(event.sourceId, event.owner));
        intervals.push({
          sourceId: event.sourceId,
          resource: undefined,
          kind: 'call',
          startMs: event.atMs - event.durationMs,
          endMs: event.atMs,
          name: describeOwner(event.owner),
          args: { owner: event.owner, durationMs: event.durationMs, outcome: event.outcome, errorCode: event.errorCode },
        });
        continue;
      case 'sourceGone':
        for (const lane of partiesByResource.values()) {
          if (lane.sourceId !== event.sourceId) continue;
          for (const interval of endAllParties(lane.parties, event.atMs, 'sourceGone')) addLockInterval(lane.sourceId, lane.resource, interval);
        }
        instants.push({ sourceId: event.sourceId, resource: undefined, atMs: event.atMs, name: 'process gone', cat: 'sourceGone', args: {} });
        continue;
      case 'eventsDropped':
        instants.push({ sourceId: event.sourceId, resource: undefined, atMs: event.atMs, name: `${event.count} events not delivered before this`, cat: 'eventsDropped', args: { count: event.count } });
        continue;
      case 'lostUpdate':
        instants.push({
          sourceId: event.sourceId,
          resource: undefined,
          atMs: event.atMs,
          name: `lost update: ${event.key}`,
          cat: 'lostUpdate',
          args: { key: event.key, owner: event.owner, overwrittenOwner: event.overwritten.owner, read: event.read, overwritten: event.overwritten, staleWrite: event.staleWrite },
        });
        continue;
      case 'inversion':
        instants.push({
          sourceId: event.sourceId,
          resource: undefined,
          atMs: event.atMs,
          name: `inversion: ${event.earlier.first} / ${event.earlier.second}`,
          cat: 'inversion',
          args: { earlier: event.earlier, later: event.later },
        });
        continue;
    }
    if (!isResourceLockEvent(event)) continue;
    const resourceKey = `${event.sourceId}\u0000${event.resource}`;
    let lane = partiesByResource.get(resourceKey);
    if (!lane) partiesByResource.set(resourceKey, (lane = { sourceId: event.sourceId, resource: event.resource, parties: emptyParties() }));
    const interval = reduceLockEvent(lane.parties, event);
    if (interval) addLockInterval(event.sourceId, event.resource, interval);
    switch (event.type) {
      case 'timeout':
        instantOn(event, 'timeout', { waitedMs: event.waitedMs, heldBy: event.holders.map(describeParty) });
        break;
      case 'aborted':
        instantOn(event, 'aborted', { waitedMs: event.waitedMs, reason: event.reason });
        break;
      case 'deadlock':
        instantOn(event, 'deadlock', { cycle: event.cycle });
        break;
      case 'reentrant':
        instantOn(event, 're-entry', {});
        break;
      case 'longHold':
        instantOn(event, 'long hold', { heldMs: event.heldMs, thresholdMs: event.thresholdMs, slowCall: event.slowCall });
        break;
    }
  }
  for (const { sourceId, resource, parties } of partiesByResource.values()) {
    for (const interval of endAllParties(parties, lastMs, 'unfinished')) addLockInterval(sourceId, resource, interval);
  }
  for (const started of openCalls.values()) {
    intervals.push({
      sourceId: started.sourceId,
      resource: undefined,
      kind: 'call',
      startMs: started.atMs,
      endMs: lastMs,
      name: describeOwner(started.owner),
      args: { owner: started.owner, unfinished: true },
    });
  }
  return { intervals, instants };
}

/** Gives every (source, resource, kind, lane) a pid/tid and names them in metadata events. */
class TrackTable {
  private readonly pids = new Map<string, number>();
  private readonly tids = new Map<string, { pid: number; tid: number; name: string; sortIndex: number }>();
  private readonly resourceOrder = new Map<string, number>();

  constructor(private readonly sources: readonly SourceInfo[]) {
    for (const source of sources) this.pidOf(source.id);
  }

  trackOf(sourceId: string, resource: string | undefined, kind: Interval['kind'], lane: number): { pid: number; tid: number } {
    const pid = this.pidOf(sourceId);
    const key = `${sourceId}\u0000${resource ?? ''}\u0000${kind}\u0000${lane}`;
    const existing = this.tids.get(key);
    if (existing) return existing;
    const resourceKey = `${sourceId}\u0000${resource ?? ''}`;
    if (!this.resourceOrder.has(resourceKey)) this.resourceOrder.set(resourceKey, this.resourceOrder.size + 1);
    // Tool calls sort first, then each resource with its hold lanes followed by its wait lanes.
    const resourceRank = resource === undefined ? 0 : (this.resourceOrder.get(resourceKey) as number);
    const kindRank = kind === 'wait' ? 500 : 0;
    const laneSuffix = lane === 0 ? '' : ` (${lane + 1})`;
    const name =
      resource === undefined ? `${TOOL_CALLS_TRACK}${laneSuffix}` : kind === 'wait' ? `${resource} · waiting${laneSuffix}` : `${resource}${laneSuffix}`;
    const track = { pid, tid: this.tids.size + 1, name, sortIndex: resourceRank * 1000 + kindRank + lane };
    this.tids.set(key, track);
    return track;
  }

  metadata(): ChromeTraceEvent[] {
    const events: ChromeTraceEvent[] = [];
    for (const [sourceId, pid] of this.pids) {
      const source = this.sources.find((candidate) => candidate.id === sourceId);
      const name = source ? `${source.label} (${source.kind}, pid ${source.pid})` : sourceId;
      events.push({ name: 'process_name', ph: 'M', ts: 0, pid, tid: 0, args: { name } });
    }
    for (const track of this.tids.values()) {
      events.push({ name: 'thread_name', ph: 'M', ts: 0, pid: track.pid, tid: track.tid, args: { name: track.name } });
      events.push({ name: 'thread_sort_index', ph: 'M', ts: 0, pid: track.pid, tid: track.tid, args: { sort_index: track.sortIndex } });
    }
    return events;
  }

  /** The pid of a source's process in the trace, numbered in order of appearance. */
  pidOf(sourceId: string): number {
    let pid = this.pids.get(sourceId);
    if (pid === undefined) {
      pid = this.pids.size + 1;
      this.pids.set(sourceId, pid);
    }
    return pid;
  }
}

/** Greedy interval partitioning: each interval goes to the first lane that is free when it starts. */
function assignLanes(intervals: readonly Interval[]): { interval: Interval; lane: number }[] {
  const laneEndsMs: number[] = [];
  return [...intervals]
    .sort((a, b) => a.startMs - b.startMs || b.endMs - a.endMs)
    .map((interval) => {
      let lane = laneEndsMs.findIndex((endMs) => endMs <= interval.startMs);
      if (lane === -1) lane = laneEndsMs.push(interval.endMs) - 1;
      else laneEndsMs[lane] = interval.endMs;
      return { interval, lane };
    });
}

function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}

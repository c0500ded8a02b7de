import type { LockOwner } from '../contract/lockEvents';
import { callKeyOf, describeOwner } from '../contract/describe';
import type { SourceInfo, SourcedEvent } from '../contract/inspectorSnapshot';

/** One entry of the Chrome Trace Event format (the subset this exporter writes). */
export interface ChromeTraceEvent {
  readonly name: string;
  readonly cat?: string;
  /** X complete, i instant, M metadata. */
  readonly ph: 'X' | 'i' | 'M';
  /** Microseconds since the first exported moment. */
  readonly ts: number;
  readonly dur?: number;
  readonly pid: number;
  readonly tid: number;
  /** Scope of an instant: thread or process. */
  readonly s?: 't' | 'p';
  readonly args?: Record<string, unknown>;
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
 * markers for timeouts, aborts, deadlocks, re-entry, inversions and long holds. Holds and waits still open at the
 * end of the history run to its last event and say `unfinished`.
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
  const openWaits = new Map<string, SourcedEvent & { type: 'requested' }>();
  const openHolds = new Map<string, SourcedEvent & { type: 'acquired' }>();
  const openCalls = new Map<string, SourcedEvent & { type: 'callStarted' }>();
  const lastMs = history.reduce((latest, event) => Math.max(latest, event.atMs), -Infinity);

  const closeWait = (event: SourcedEvent & { resource: string; chainId: number; owner?: LockOwner }, waitedMs: number | undefined, outcome: string) => {
    const key = lockKey(event);
    const requested = openWaits.get(key);
    openWaits.delete(key);
    const startMs = waitedMs !== undefined ? event.atMs - waitedMs : requested?.atMs;
    if (startMs === undefined || event.atMs - startMs <= 0) return;
    intervals.push({
      sourceId: event.sourceId,
      resource: event.resource,
      kind: 'wait',
      startMs,
      endMs: event.atMs,
      name: `${describeOwner(event.owner, event.chainId)} waits`,
      args: { owner: event.owner, chainId: event.chainId, waitedMs: event.atMs - startMs, outcome },
    });
  };
  const instantOn = (event: SourcedEvent & { resource: string; chainId: number; owner?: LockOwner }, name: string, args: Record<string, unknown>) =>
    instants.push({
      sourceId: event.sourceId,
      resource: event.resource,
      atMs: event.atMs,
      name,
      cat: event.type,
      args: { owner: event.owner, chainId: event.chainId, ...args },
    });

  for (const event of history) {
    switch (event.type) {
      case 'requested':
        openWaits.set(lockKey(event), event);
        break;
      case 'acquired':
        closeWait(event, event.waitedMs, 'acquired');
        openHolds.set(lockKey(event), event);
        break;
      case 'released': {
        openHolds.delete(lockKey(event));
        intervals.push({
          sourceId: event.sourceId,
          resource: event.resource,
          kind: 'hold',
          startMs: event.atMs - event.heldMs,
          endMs: event.atMs,
          name: `held by ${describeOwner(event.owner, event.chainId)}`,
          args: { owner: event.owner, chainId: event.chainId, mode: event.mode, heldMs: event.heldMs },
        });
        break;
      }
      case 'timeout':
        closeWait(event, event.waitedMs, 'timeout');
        instantOn(event, `timeout: ${describeOwner(event.owner, event.chainId)}`, {
          waitedMs: event.waitedMs,
          heldBy: event.holders.map((holder) => describeOwner(holder.owner, holder.chainId)),
        });
        break;
      case 'aborted':
        closeWait(event, event.waitedMs, 'aborted');
        instantOn(event, `aborted: ${describeOwner(event.owner, event.chainId)}`, { waitedMs: event.waitedMs, reason: event.reason });
        break;
      case 'deadlock':
        closeWait(event, undefined, 'deadlock');
        instantOn(event, `deadlock: ${describeOwner(event.owner, event.chainId)}`, { cycle: event.cycle });
        break;
      case 'reentrant':
        closeWait(event, undefined, 'reentrant');
        instantOn(event, `re-entry: ${describeOwner(event.owner, event.chainId)}`, {});
        break;
      case 'longHold':
        instantOn(event, `long hold: ${describeOwner(event.owner, event.chainId)}`, { heldMs: event.heldMs, thresholdMs: event.thresholdMs });
        break;
      case 'inversion':
        instants.push({
          sourceId: event.sourceId,
          resource: undefined,
          atMs: event.atMs,
          name: `inversion: ${event.earlier.first} / ${event.earlier.second}`,
          cat: 'inversion',
          args: { earlier: event.earlier, later: event.later },
        });
        break;
      case 'callStarted':
        openCalls.set(callKeyOf(event.sourceId, event.owner), event);
        break;
      case 'callEnded': {
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
        break;
      }
    }
  }
  for (const requested of openWaits.values()) {
    intervals.push({
      sourceId: requested.sourceId,
      resource: requested.resource,
      kind: 'wait',
      startMs: requested.atMs,
      endMs: lastMs,
      name: `${describeOwner(requested.owner, requested.chainId)} waits`,
      args: { owner: requested.owner, chainId: requested.chainId, unfinished: true },
    });
  }
  for (const acquired of openHolds.values()) {
    intervals.push({
      sourceId: acquired.sourceId,
      resource: acquired.resource,
      kind: 'hold',
      startMs: acquired.atMs,
      endMs: lastMs,
      name: `held by ${describeOwner(acquired.owner, acquired.chainId)}`,
      args: { owner: acquired.owner, chainId: acquired.chainId, mode: acquired.mode, unfinished: true },
    });
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

  private pidOf(sourceId: string): number {
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

function lockKey(event: { sourceId: string; resource: string; chainId: number }): string {
  return `${event.sourceId}\u0000${event.resource}\u0000${event.chainId}`;
}

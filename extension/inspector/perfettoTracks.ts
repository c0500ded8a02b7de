import { describeParty } from '../contract/describe';
import type { SourcedEvent } from '../contract/inspectorSnapshot';
import { emptyParties, isResourceLockEvent, reduceLockEvent, type ResourceParties } from '../contract/lockIntervals';
import type { ChromeTraceEvent } from './traceExport';

/** How the extra tracks find the exported slices and place times: microseconds since the trace's origin, a source's pid. */
export interface TraceLayout {
  micros(epochMs: number): number;
  pidOf(sourceId: string): number;
}

// A waiter that got the resource within this long of its release was handed it (the lock map hands over in the
// same tick; events of one release and the next acquire carry times a fraction of a millisecond apart).
const HAND_OVER_SLACK_MS = 2;

interface HoldSlice {
  readonly event: ChromeTraceEvent;
  readonly chainId: number;
  readonly replica?: string;
}

interface PendingFlow {
  readonly cat: 'handOver' | 'waitFor';
  readonly name: string;
  readonly from: () => HoldSlice | undefined;
  readonly to: () => HoldSlice | undefined;
  /** Where on each slice the arrow attaches: the release and the acquire for hand-overs, the deadlock for wait-for edges. */
  readonly fromMs: number;
  readonly toMs: number;
}

/**
 * What Perfetto shows beyond slices: flow arrows from a release to the acquire it handed the resource to, and along
 * each wait-for edge of a deadlock (from the waiting call's hold to the hold it waited for); one async track per
 * resource whose holds overlap where read locks share it; a counter track per resource of its waiters and holders.
 * Flows bind to the exported hold slices (`slices`, as `exportChromeTrace` laid them out), so none is left unmatched.
 */
export function perfettoTracks(history: readonly SourcedEvent[], slices: readonly ChromeTraceEvent[], layout: TraceLayout): ChromeTraceEvent[] {
  const holdSlices = indexHoldSlices(slices);
  const holdAt = (key: string, atMs: number, edge: 'start' | 'end' | 'inside') => {
    const atMicros = layout.micros(atMs);
    return holdSlices.get(key)?.find(({ event }) => {
      const endMicros = event.ts + (event.dur ?? 0);
      if (edge === 'start') return event.ts === atMicros;
      if (edge === 'end') return endMicros === atMicros;
      return event.ts <= atMicros && atMicros <= endMicros;
    });
  };
  const flows: PendingFlow[] = [];
  const extra: ChromeTraceEvent[] = [];
  const parties = new Map<string, ResourceParties>();
  const lastRelease = new Map<string, { chainId: number; atMs: number }>();

  for (const event of history) {
    if (!isResourceLockEvent(event)) continue;
    const resourceKey = `${event.sourceId}\u0000${event.resource}`;
    let resourceParties = parties.get(resourceKey);
    if (!resourceParties) parties.set(resourceKey, (resourceParties = emptyParties()));
    const waitingBefore = resourceParties.waiters.size;
    const holdingBefore = resourceParties.holders.size;
    reduceLockEvent(resourceParties, event);
    const holdKey = (chainId: number) => holdKeyOf(layout.pidOf(event.sourceId), event.resource, chainId);
    switch (event.type) {
      case 'released':
        lastRelease.set(resourceKey, { chainId: event.chainId, atMs: event.atMs });
        break;
      case 'acquired': {
        const released = lastRelease.get(resourceKey);
        if (event.waitedMs <= 0 || !released || event.atMs - released.atMs > HAND_OVER_SLACK_MS || released.atMs < event.atMs - event.waitedMs) break;
        flows.push({
          cat: 'handOver',
          name: `hand-over of ${event.resource} to ${describeParty(event)}`,
          from: () => holdAt(holdKey(released.chainId), released.atMs, 'end'),
          to: () => holdAt(holdKey(event.chainId), event.atMs, 'start'),
          fromMs: released.atMs,
          toMs: event.atMs,
        });
        break;
      }
      case 'deadlock':
        for (const edge of event.cycle) {
          const waiterHolds = [...parties.entries()]
            .filter(([key, each]) => key.startsWith(`${event.sourceId}\u0000`) && each.holders.has(edge.waiter.chainId))
            .map(([key]) => holdKeyOf(layout.pidOf(event.sourceId), key.split('\u0000')[1] as string, edge.waiter.chainId));
          flows.push({
            cat: 'waitFor',
            name: `${describeParty(edge.waiter)} waits for ${edge.resource}`,
            from: () => waiterHolds.map((key) => holdAt(key, event.atMs, 'inside')).find(Boolean),
            to: () =>
              edge.holderReplica === undefined
                ? holdAt(holdKeyOf(layout.pidOf(event.sourceId), edge.resource, edge.holderChainId), event.atMs, 'inside')
                : replicaHoldAt(holdSlices, edge.resource, edge.holderChainId, edge.holderReplica, layout.micros(event.atMs)),
            fromMs: event.atMs,
            toMs: event.atMs,
          });
        }
        break;
    }
    if (resourceParties.waiters.size !== waitingBefore || resourceParties.holders.size !== holdingBefore) {
      extra.push({
        name: `${event.resource} queue`,
        cat: 'queue',
        ph: 'C',
        ts: layout.micros(event.atMs),
        pid: layout.pidOf(event.sourceId),
        tid: 0,
        args: { waiting: resourceParties.waiters.size, holding: resourceParties.holders.size },
      });
    }
  }

  let flowId = 0;
  for (const flow of flows) {
    const from = flow.from();
    const to = flow.to();
    if (!from || !to) continue;
    const fromTs = inside(from.event, layout.micros(flow.fromMs), 'end');
    const toTs = Math.max(fromTs, inside(to.event, layout.micros(flow.toMs), 'start'));
    if (toTs > to.event.ts + (to.event.dur ?? 0)) continue;
    const id = String(++flowId);
    extra.push({ name: flow.name, cat: flow.cat, ph: 's', id, ts: fromTs, pid: from.event.pid, tid: from.event.tid });
    extra.push({ name: flow.name, cat: flow.cat, ph: 'f', bp: 'e', id, ts: toTs, pid: to.event.pid, tid: to.event.tid });
  }

  // Async slices of one name in one process share a track in Perfetto: one track per resource, overlaps stacked.
  let holdId = 0;
  for (const [key, holds] of holdSlices) {
    const resource = key.split('\u0000')[1] as string;
    for (const { event } of holds) {
      const id2 = { local: `hold:${++holdId}` };
      extra.push({ name: resource, cat: 'holds', ph: 'b', id2, ts: event.ts, pid: event.pid, tid: event.tid, args: { holder: event.name, ...event.args } });
      extra.push({ name: resource, cat: 'holds', ph: 'e', id2, ts: event.ts + (event.dur ?? 0), pid: event.pid, tid: event.tid });
    }
  }
  return extra;
}

function holdKeyOf(pid: number, resource: string, chainId: number): string {
  return `${pid}\u0000${resource}\u0000${chainId}`;
}

/** Hold slices by `holdKeyOf`, from the args the exporter writes. */
function indexHoldSlices(slices: readonly ChromeTraceEvent[]): Map<string, HoldSlice[]> {
  const index = new Map<string, HoldSlice[]>();
  for (const event of slices) {
    if (event.ph !== 'X' || event.cat !== 'hold') continue;
    const args = event.args as { resource: string; chainId: number; replica?: string };
    const key = holdKeyOf(event.pid, args.resource, args.chainId);
    const list = index.get(key) ?? [];
    list.push({ event, chainId: args.chainId, replica: args.replica });
    index.set(key, list);
  }
  return index;
}

function replicaHoldAt(index: Map<string, HoldSlice[]>, resource: string, chainId: number, replica: string, atMicros: number): HoldSlice | undefined {
  for (const [key, holds] of index) {
    if (key.split('\u0000')[1] !== resource) continue;
    const hold = holds.find((each) => each.chainId === chainId && each.replica === replica && each.event.ts <= atMicros && atMicros <= each.event.ts + (each.event.dur ?? 0));
    if (hold) return hold;
  }
  return undefined;
}

// A flow end binds to the slice that encloses its time: keep it strictly inside when the slice has room, so a
// neighbour that starts where this one ends cannot claim it.
function inside(slice: ChromeTraceEvent, atMicros: number, prefer: 'start' | 'end'): number {
  const endMicros = slice.ts + (slice.dur ?? 0);
  if (endMicros - slice.ts < 2) return slice.ts;
  return Math.min(endMicros - 1, Math.max(slice.ts + 1, prefer === 'end' ? Math.min(atMicros, endMicros - 1) : atMicros));
}

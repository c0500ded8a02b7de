import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import type { ResourceView, SourcedEvent } from '../../../extension/contract/inspectorSnapshot';
import type { InspectorEvent } from '../../../extension/contract/wireFormat';
import { replicaSourceOf, TimelineStore, type Lane, type MarkerEvent, type Span } from '../../../webview/timeline/timelineStore';
import { REPLICAS_SOURCE_ID, type SourceInfo } from '../../../extension/contract/inspectorSnapshot';
import { fromSource, LockEventFactory } from '../../support/lockEvents';

const transfer = { tool: 'transfer', requestId: 1 };
const audit = { tool: 'audit', requestId: 2 };

/** The events as the one source of these tests reports them. */
const reported = (events: readonly InspectorEvent[]): SourcedEvent[] => fromSource('source-1', events);

function onlyLane(store: TimelineStore): Lane {
  assert.equal(store.lanes.size, 1);
  return [...store.lanes.values()][0]!;
}

function spansIn(lane: Pick<Lane, "forEachSpanIn">, fromMs: number, toMs: number): Span[] {
  const spans: Span[] = [];
  lane.forEachSpanIn(fromMs, toMs, (span) => spans.push(span));
  return spans;
}

test('a contended pair draws a hold, then a wait that ends when the second call acquires', () => {
  const store = new TimelineStore();
  const make = new LockEventFactory();
  store.ingest(
    reported([
      make.requested('account:A', 1, 1000, transfer),
      make.acquired('account:A', 1, 1000, 0, transfer),
      make.requested('account:A', 2, 1010, audit, 'write', 1),
      make.released('account:A', 1, 1100, 100, transfer),
      make.acquired('account:A', 2, 1100, 90, audit),
      make.released('account:A', 2, 1150, 50, audit),
    ]),
  );
  const lane = onlyLane(store);
  const spans = spansIn(lane, 0, 2000).map(({ kind, startMs, endMs, outcome, owner }) => ({ kind, startMs, endMs, outcome, tool: owner?.tool }));
  assert.deepEqual(spans, [
    { kind: 'hold', startMs: 1000, endMs: 1100, outcome: 'released', tool: 'transfer' },
    { kind: 'wait', startMs: 1010, endMs: 1100, outcome: 'acquired', tool: 'audit' },
    { kind: 'hold', startMs: 1100, endMs: 1150, outcome: 'released', tool: 'audit' },
  ]);
  assert.equal(lane.contended, true);
  assert.deepEqual([...lane.tools].sort(), ['audit', 'transfer']);
  assert.equal(lane.holders.size + lane.waiters.size, 0);
});

test('an uncontended lock leaves no wait bar and the lane uncontended', () => {
  const store = new TimelineStore();
  store.ingest(reported(new LockEventFactory().call('cache', 1, 0, 5, transfer)));
  const lane = onlyLane(store);
  assert.deepEqual(spansIn(lane, -10, 10).map((span) => span.kind), ['hold']);
  assert.equal(lane.contended, false);
});

test('open bars grow with the clock until the release arrives', () => {
  const store = new TimelineStore();
  const make = new LockEventFactory();
  store.ingest(reported([make.requested('r', 1, 0, transfer), make.acquired('r', 1, 0, 0, transfer), make.requested('r', 2, 5, audit, 'write', 1)]));
  const lane = onlyLane(store);
  const open = lane.openSpans(40).map(({ kind, startMs, endMs, outcome }) => ({ kind, startMs, endMs, outcome }));
  assert.deepEqual(open, [
    { kind: 'wait', startMs: 5, endMs: 40, outcome: 'open' },
    { kind: 'hold', startMs: 0, endMs: 40, outcome: 'open' },
  ]);
});

test('timeouts and deadlocks become markers, end the wait and count as incidents', () => {
  const store = new TimelineStore();
  const make = new LockEventFactory();
  store.ingest(
    reported([
      make.requested('r', 1, 0, transfer),
      make.acquired('r', 1, 0, 0, transfer),
      make.requested('r', 2, 10, audit, 'write', 1),
      make.timeout('r', 2, 5010, 5000, audit),
      make.requested('r', 3, 6000, audit, 'write', 1),
      make.deadlock('r', 3, 'other', 1, 6000, audit, transfer),
    ]),
  );
  const lane = onlyLane(store);
  const markers: string[] = [];
  lane.forEachMarkerIn(0, 10_000, (marker) => markers.push(`${marker.kind}@${marker.atMs}`));
  assert.deepEqual(markers, ['timeout@5010', 'deadlock@6000']);
  assert.equal(lane.incidents, 2);
  assert.equal(lane.waiters.size, 0);
  assert.deepEqual(spansIn(lane, 0, 10_000).map((span) => `${span.kind}:${span.outcome}`), ['wait:timeout']);
});

test('a time-window query finds a long bar that started long before the window', () => {
  const store = new TimelineStore();
  const make = new LockEventFactory();
  store.ingest(reported([...make.call('r', 1, 0, 60_000, transfer), ...make.call('r', 2, 60_001, 1, transfer)]));
  const lane = onlyLane(store);
  assert.deepEqual(spansIn(lane, 30_000, 30_010).map((span) => span.startMs), [0]);
  assert.deepEqual(spansIn(lane, 70_000, 80_000), []);
});

test('the store forgets the globally oldest bars past its limit, across lanes', () => {
  const store = new TimelineStore({ maxSpans: 3, maxMarkers: 10 });
  const make = new LockEventFactory();
  store.ingest(reported([...make.call('a', 1, 0, 1, transfer), ...make.call('b', 2, 10, 1, transfer), ...make.call('a', 3, 20, 1, transfer), ...make.call('b', 4, 30, 1, transfer)]));
  const starts = [...store.lanes.values()].flatMap((lane) => spansIn(lane, -1, 100).map((span) => span.startMs)).sort((a, b) => a - b);
  assert.deepEqual(starts, [10, 20, 30]);
});

test('reconcileBusy adds holders older than the history and closes bars nobody holds any more', () => {
  const store = new TimelineStore();
  const make = new LockEventFactory();
  store.ingest(reported([make.requested('stale', 7, 0, transfer), make.acquired('stale', 7, 0, 0, transfer)]));
  const busy: ResourceView = {
    key: 'source-1\u0000old',
    sourceId: 'source-1',
    id: 'old',
    holders: [{ chainId: 9, owner: audit, mode: 'write', sinceMs: -500 }],
    waiters: [],
    acquisitions: 1,
    timeouts: 0,
    aborts: 0,
    deadlocks: 0,
    wait: { count: 0, p50: 0, p95: 0, max: 0 },
    hold: { count: 0, p50: 0, p95: 0, max: 0 },
  };
  store.reconcileBusy([busy]);
  assert.equal(store.lanes.get('source-1\u0000stale')!.holders.size, 0);
  assert.deepEqual(store.lanes.get('source-1\u0000old')!.openSpans(0).map((span) => span.startMs), [-500]);
});

test('spanAt prefers the hold under the pointer and honours the tolerance', () => {
  const store = new TimelineStore();
  const make = new LockEventFactory();
  store.ingest(reported([...make.call('r', 1, 0, 100, transfer), ...make.call('r', 2, 200, 100, audit)]));
  const lane = onlyLane(store);
  assert.equal(store.spanAt(lane, 50, 2, 1000)?.chainId, 1);
  assert.equal(store.spanAt(lane, 150, 2, 1000), undefined);
  assert.equal(store.spanAt(lane, 197, 5, 1000)?.chainId, 2);
});

test('laneSetVersion moves only when lanes appear or change what filters see', () => {
  const store = new TimelineStore();
  const make = new LockEventFactory();
  store.ingest(reported(make.call('r', 1, 0, 1, transfer)));
  const version = store.laneSetVersion;
  store.ingest(reported(make.call('r', 2, 10, 1, transfer)));
  assert.equal(store.laneSetVersion, version);
  store.ingest(reported(make.call('r', 3, 20, 1, audit)));
  assert.ok(store.laneSetVersion > version);
});

test('a source that could not deliver events gets a gap mark on each of its lanes, where its events resume', () => {
  const store = new TimelineStore();
  const make = new LockEventFactory();
  store.ingest(reported([...make.call('account:A', 1, 1000, 5), ...make.call('account:B', 2, 1000, 5)]));
  store.ingest([...reported([make.requested('account:A', 3, 4000)]), { type: 'eventsDropped', atMs: 4000, count: 7940, sourceId: 'source-1' }]);
  store.ingest([{ type: 'eventsDropped', atMs: 4400, count: 60, sourceId: 'source-1' }]);
  store.ingest([{ type: 'eventsDropped', atMs: 9000, count: 3, sourceId: 'source-2' }]);
  const gapsOn = (resource: string, fromMs: number, toMs: number) => {
    const gaps: Array<[number, number]> = [];
    store.lanes.get(`source-1\u0000${resource}`)!.gaps.forEachIn(fromMs, toMs, (atMs, count) => gaps.push([atMs, count]));
    return gaps;
  };
  assert.deepEqual(gapsOn('account:A', 0, 10_000), [[4000, 8000]], 'gaps reported within a second of each other are one');
  assert.deepEqual(gapsOn('account:B', 0, 10_000), [[4000, 8000]], 'every lane of the source shows it');
  assert.deepEqual(gapsOn('account:A', 5000, 10_000), [], 'not outside the window');
  store.clear();
  store.ingest(reported(make.call('account:A', 4, 20_000, 5)));
  assert.deepEqual(gapsOn('account:A', 0, 30_000), [], 'clearing forgets them');
});

const alice = { tool: 'add_item', requestId: 3 };
const bob = { tool: 'add_item', requestId: 4 };

test('a lost update gets a lane of its shared-state key, drawn from the stale read to the stale write', () => {
  const store = new TimelineStore();
  const make = new LockEventFactory();
  store.ingest(reported([...make.call('account:A', 1, 0, 5, transfer), make.lostUpdate('/srv/items.json', 7, 1000, alice, bob)]));
  const lane = store.lanes.get('source-1\u0001/srv/items.json')!;
  assert.equal(lane.sharedState, 'file');
  assert.equal(lane.resource, '/srv/items.json');
  assert.equal(store.lanes.get('source-1\u0000account:A')!.sharedState, undefined, 'lock lanes stay lock lanes');
  const markers: string[] = [];
  lane.forEachMarkerIn(0, 2000, (marker) => markers.push(`${marker.kind} ${marker.startMs}-${marker.atMs}`));
  assert.deepEqual(markers, ['lostUpdate 980-1000']);
  assert.equal(lane.contended, true);
  assert.equal(lane.incidents, 1);
  assert.deepEqual([...lane.tools], ['add_item']);
  const seen: number[] = [];
  lane.forEachMarkerIn(970, 985, (marker) => seen.push(marker.atMs));
  assert.deepEqual(seen, [1000], 'a window that holds only the read still finds it');
  assert.equal(store.markerNear(lane, 990, 2)?.kind, 'lostUpdate', 'pointing between the read and the stale write finds it');
  assert.equal(store.markerNear(lane, 1010, 2), undefined);
});

test('a point marker on top of a lost update is the one pointed at', () => {
  const store = new TimelineStore();
  const make = new LockEventFactory();
  store.ingest(reported([make.lostUpdate('state', 7, 1000, alice, bob, 'state')]));
  const lane = onlyLane(store);
  // A lost update of tracked state, and a long hold the lane's owner had reported in the middle of it.
  lane.addMarker({ kind: 'longHold', startMs: 990, atMs: 990, event: { ...make.longHold('state', 7, 990, 1000, alice), sourceId: 'source-1' } as MarkerEvent });
  assert.equal(store.markerNear(lane, 990.5, 2)?.kind, 'longHold');
  assert.equal(store.markerNear(lane, 984, 2)?.kind, 'lostUpdate');
});

const onReplica = (replica: string, requestId: number) => ({ tool: 'transfer', requestId, replica });

test('a replica that dies holding a lock: its hold ends when it went, its lease runs out until the next replica takes the resource', () => {
  const store = new TimelineStore();
  const make = new LockEventFactory();
  store.ingest(fromSource('r1', [make.requested('account:A', 1, 0, onReplica('r1', 1)), make.acquired('account:A', 1, 0, 0, onReplica('r1', 1))]));
  store.ingest(fromSource('r2', [make.requested('account:A', 1, 500, onReplica('r2', 9), 'write', 1)]));
  store.ingest([{ type: 'sourceGone', atMs: 1000, sourceId: 'r1' }]);
  const dead = store.lanes.get('r1\u0000account:A')!;
  assert.deepEqual(spansIn(dead, 0, 10_000).map(({ kind, startMs, endMs, outcome }) => ({ kind, startMs, endMs, outcome })), [{ kind: 'hold', startMs: 0, endMs: 1000, outcome: 'sourceGone' }]);
  assert.deepEqual(dead.openSpans(3000).map(({ kind, startMs, endMs, outcome }) => ({ kind, startMs, endMs, outcome })), [{ kind: 'lease', startMs: 1000, endMs: 3000, outcome: 'open' }], 'running out, up to now');

  store.ingest(fromSource('r2', [make.acquired('account:A', 1, 6000, 5500, onReplica('r2', 9))]));
  assert.deepEqual(dead.openSpans(7000), [], 'the lease ended when r2 took it');
  const lease = spansIn(dead, 0, 10_000).find((span) => span.kind === 'lease');
  assert.deepEqual(lease && { startMs: lease.startMs, endMs: lease.endMs, outcome: lease.outcome, takenBy: lease.takenBy }, { startMs: 1000, endMs: 6000, outcome: 'lapsed', takenBy: onReplica('r2', 9) });
  const next = store.lanes.get('r2\u0000account:A')!;
  assert.deepEqual(next.openSpans(7000).map(({ kind, startMs }) => ({ kind, startMs })), [{ kind: 'hold', startMs: 6000 }], "the next holder's bar starts where the lease ended");
});

test("a gone replica's read lease is not ended by another replica taking a read; a write takes it, as in the model", () => {
  const store = new TimelineStore();
  const make = new LockEventFactory();
  store.ingest(fromSource('r1', [make.requested('account:A', 1, 0, onReplica('r1', 1), 'read'), make.acquired('account:A', 1, 0, 0, onReplica('r1', 1), 'read')]));
  store.ingest([{ type: 'sourceGone', atMs: 1000, sourceId: 'r1' }]);
  const dead = store.lanes.get('r1\u0000account:A')!;
  store.ingest(fromSource('r2', [make.requested('account:A', 1, 2000, onReplica('r2', 9), 'read'), make.acquired('account:A', 1, 2000, 0, onReplica('r2', 9), 'read')]));
  assert.deepEqual(dead.openSpans(3000).map(({ kind }) => kind), ['lease'], 'readers share: the read lease may still be held');
  store.ingest(fromSource('r3', [make.requested('account:A', 1, 4000, onReplica('r3', 5), 'write'), make.acquired('account:A', 1, 4000, 0, onReplica('r3', 5), 'write')]));
  assert.deepEqual(dead.openSpans(5000), [], 'a writer got it: the read lease had run out');
  const lease = spansIn(dead, 0, 10_000).find((span) => span.kind === 'lease');
  assert.deepEqual(lease && { endMs: lease.endMs, takenBy: lease.takenBy }, { endMs: 4000, takenBy: onReplica('r3', 5) });
});

test('holds of a process without replicas end when it goes: no lease, nothing for the next source to end', () => {
  const store = new TimelineStore();
  const make = new LockEventFactory();
  store.ingest(fromSource('s1', [make.requested('account:A', 1, 0, transfer), make.acquired('account:A', 1, 0, 0, transfer)]));
  store.ingest([{ type: 'sourceGone', atMs: 1000, sourceId: 's1' }]);
  assert.deepEqual(store.lanes.get('s1\u0000account:A')!.openSpans(5000), []);
});

test('a lease nobody takes is not drawn on for ever: when it ran out is not known', () => {
  const store = new TimelineStore();
  const make = new LockEventFactory();
  store.ingest(fromSource('r1', [make.requested('account:A', 1, 0, onReplica('r1', 1)), make.acquired('account:A', 1, 0, 0, onReplica('r1', 1))]));
  store.ingest([{ type: 'sourceGone', atMs: 1000, sourceId: 'r1' }]);
  const dead = store.lanes.get('r1\u0000account:A')!;
  assert.equal(dead.openSpans(2000).length, 1);
  store.ingest(fromSource('r2', make.call('other', 1, 200_000, 1, onReplica('r2', 2))));
  assert.deepEqual(dead.openSpans(200_001), []);
});

test('merged lanes: one per resource across sources, with every source on it', () => {
  const store = new TimelineStore();
  const make = new LockEventFactory();
  store.ingest(fromSource('r1', [...make.call('account:A', 1, 0, 10, onReplica('r1', 1)), make.requested('account:A', 2, 20, onReplica('r1', 2))]));
  store.ingest(fromSource('r2', [...make.call('account:A', 1, 10, 10, onReplica('r2', 1)), ...make.call('account:B', 2, 0, 1, onReplica('r2', 3))]));
  store.ingest(fromSource('r2', [make.lostUpdate('account:A', 5, 100, onReplica('r2', 7), onReplica('r1', 8), 'state')]));
  const merged = [...store.mergedLanes()];
  assert.deepEqual(merged.map((lane) => [lane.resource, lane.sharedState, lane.sourceIds]), [
    ['account:A', undefined, ['r1', 'r2']],
    ['account:B', undefined, ['r2']],
    ['account:A', 'state', ['r2']],
  ]);
  const accountA = merged[0]!;
  const holds = spansIn(accountA, 0, 100).map((span) => `${span.owner?.replica} ${span.startMs}-${span.endMs}`);
  assert.deepEqual(holds.sort(), ['r1 0-10', 'r2 10-20']);
  assert.equal(accountA.waitingCount, 1);
  const r2Hold = spansIn(accountA, 0, 100).find((span) => span.owner?.replica === 'r2')!;
  assert.equal(accountA.sourceIdOf(r2Hold, 100), 'r2');
  assert.equal(accountA.sourceIdOf(accountA.openSpans(100)[0]!, 100), 'r1');
  assert.deepEqual([...store.replicas].sort(), ['r1', 'r2']);
  assert.equal([...store.mergedLanes()][0], accountA, 'the same lane object every time, so focus and selection survive');
});

test("a replica's lease of known length runs out then, when nobody takes the resource", () => {
  const store = new TimelineStore();
  const make = new LockEventFactory();
  store.leaseMsBySource.set('r1', 2000);
  store.ingest(fromSource('r1', [make.requested('account:A', 1, 0, onReplica('r1', 1)), make.acquired('account:A', 1, 0, 0, onReplica('r1', 1))]));
  store.ingest([{ type: 'sourceGone', atMs: 1000, sourceId: 'r1' }]);
  const dead = store.lanes.get('r1\u0000account:A')!;
  assert.deepEqual(dead.openSpans(2500).map(({ kind, endMs }) => ({ kind, endMs })), [{ kind: 'lease', endMs: 2500 }]);
  assert.deepEqual(dead.openSpans(9000).map(({ kind, endMs }) => ({ kind, endMs })), [{ kind: 'lease', endMs: 3000 }], 'never past the lease');
  store.ingest(fromSource('r2', make.call('other', 1, 4000, 1, onReplica('r2', 2))));
  assert.deepEqual(dead.openSpans(9000), []);
  assert.deepEqual(spansIn(dead, 0, 10_000).map(({ kind, endMs, outcome }) => `${kind} ${endMs} ${outcome}`), ['hold 1000 sourceGone', 'lease 3000 lapsed']);
});

test('the leases of replica sources are forgotten when the store is cleared and once their source went away', () => {
  const store = new TimelineStore();
  const make = new LockEventFactory();
  store.leaseMsBySource.set('r1', 2000);
  store.leaseMsBySource.set('r2', 2000);
  store.ingest(fromSource('r1', [make.requested('account:A', 1, 0, onReplica('r1', 1)), make.acquired('account:A', 1, 0, 0, onReplica('r1', 1))]));
  store.ingest([{ type: 'sourceGone', atMs: 1000, sourceId: 'r1' }]);
  assert.deepEqual([...store.leaseMsBySource.keys()], ['r2'], 'r1 went away: its lease is kept on its lane, not here');
  assert.deepEqual(store.lanes.get('r1\u0000account:A')!.openSpans(9000).map(({ kind, endMs }) => `${kind} ${endMs}`), ['lease 3000']);
  store.clear();
  assert.equal(store.leaseMsBySource.size, 0);
});

test("busy parties of the model's merged replica rows go on the lanes of their replicas' sources", () => {
  const store = new TimelineStore();
  const party = (chainId: number, replica: string, leaseEndsByMs?: number) => ({ chainId, owner: onReplica(replica, chainId), mode: 'write' as const, sinceMs: 0, ...(leaseEndsByMs !== undefined && { leaseEndsByMs }) });
  const stats = { count: 0, p50: 0, p95: 0, max: 0 };
  const merged: ResourceView = {
    key: `${REPLICAS_SOURCE_ID}\u0000account:A`,
    sourceId: REPLICAS_SOURCE_ID,
    id: 'account:A',
    holders: [party(1, 'r1'), party(4, 'r3', 5000)],
    waiters: [party(2, 'r2')],
    acquisitions: 0,
    timeouts: 0,
    aborts: 0,
    deadlocks: 0,
    wait: stats,
    hold: stats,
  };
  const source = (id: string, replica: string): SourceInfo => ({ id, label: `replica '${replica}'`, kind: 'external', pid: 1, connected: true, connectedAtMs: 0, eventsReceived: 0, eventsDroppedBySource: 0, linesRejected: 0, partiesRefused: 0, replica, leaseMs: 2000 });
  store.reconcileBusy([merged], replicaSourceOf([source('old-r1', 'r1'), source('s-r2', 'r2'), source('s-r1', 'r1')]));
  assert.deepEqual([...store.lanes.keys()].sort(), ['s-r1\u0000account:A', 's-r2\u0000account:A'], 'no lane for the merged row itself, none for the gone replica r3 (its lease is drawn from history)');
  assert.deepEqual([...store.lanes.get('s-r1\u0000account:A')!.holders.keys()], [1]);
  assert.deepEqual([...store.lanes.get('s-r2\u0000account:A')!.waiters.keys()], [2]);
});

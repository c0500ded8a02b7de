import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import type { ResourceView, SourcedEvent } from '../../../extension/contract/inspectorSnapshot';
import type { InspectorEvent } from '../../../extension/contract/wireFormat';
import { TimelineStore, type Lane, type Span } from '../../../webview/timeline/timelineStore';
import { fromSource, LockEventFactory } from '../../support/lockEvents';

const transfer = { tool: 'transfer', requestId: 1 };
const audit = { tool: 'audit', requestId: 2 };

/** The events as the one source of these tests reports them. */
const reported = (events: readonly InspectorEvent[]): SourcedEvent[] => fromSource('source-1', events);

function onlyLane(store: TimelineStore): Lane {
  assert.equal(store.lanes.size, 1);
  return [...store.lanes.values()][0]!;
}

function spansIn(lane: Lane, fromMs: number, toMs: number): Span[] {
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

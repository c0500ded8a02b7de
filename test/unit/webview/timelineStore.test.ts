import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import type { ResourceView } from '../../../extension/contract/inspectorSnapshot';
import { TimelineStore, type Lane, type Span } from '../../../webview/timeline/timelineStore';
import { EventScript } from './eventBuilders';

const transfer = { tool: 'transfer', requestId: 1 };
const audit = { tool: 'audit', requestId: 2 };

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
  store.ingest(
    new EventScript()
      .requested(1000, 'account:A', 1, transfer)
      .acquired(1000, 'account:A', 1, transfer, 0)
      .requested(1010, 'account:A', 2, audit, 1)
      .released(1100, 'account:A', 1, transfer, 100)
      .acquired(1100, 'account:A', 2, audit, 90)
      .released(1150, 'account:A', 2, audit, 50).events,
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
  store.ingest(new EventScript().call(0, 'cache', 1, transfer, 5).events);
  const lane = onlyLane(store);
  assert.deepEqual(spansIn(lane, -10, 10).map((span) => span.kind), ['hold']);
  assert.equal(lane.contended, false);
});

test('open bars grow with the clock until the release arrives', () => {
  const store = new TimelineStore();
  store.ingest(new EventScript().requested(0, 'r', 1, transfer).acquired(0, 'r', 1, transfer, 0).requested(5, 'r', 2, audit, 1).events);
  const lane = onlyLane(store);
  const open = lane.openSpans(40).map(({ kind, startMs, endMs, outcome }) => ({ kind, startMs, endMs, outcome }));
  assert.deepEqual(open, [
    { kind: 'wait', startMs: 5, endMs: 40, outcome: 'open' },
    { kind: 'hold', startMs: 0, endMs: 40, outcome: 'open' },
  ]);
});

test('timeouts and deadlocks become markers, end the wait and count as incidents', () => {
  const store = new TimelineStore();
  store.ingest(
    new EventScript()
      .requested(0, 'r', 1, transfer)
      .acquired(0, 'r', 1, transfer, 0)
      .requested(10, 'r', 2, audit, 1)
      .timedOut(5010, 'r', 2, audit, 5000)
      .requested(6000, 'r', 3, audit, 1)
      .deadlocked(6000, 'r', 3, audit).events,
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
  store.ingest(new EventScript().call(0, 'r', 1, transfer, 60_000).call(60_001, 'r', 2, transfer, 1).events);
  const lane = onlyLane(store);
  assert.deepEqual(spansIn(lane, 30_000, 30_010).map((span) => span.startMs), [0]);
  assert.deepEqual(spansIn(lane, 70_000, 80_000), []);
});

test('the store forgets the globally oldest bars past its limit, across lanes', () => {
  const store = new TimelineStore({ maxSpans: 3, maxMarkers: 10 });
  store.ingest(new EventScript().call(0, 'a', 1, transfer, 1).call(10, 'b', 2, transfer, 1).call(20, 'a', 3, transfer, 1).call(30, 'b', 4, transfer, 1).events);
  const starts = [...store.lanes.values()].flatMap((lane) => spansIn(lane, -1, 100).map((span) => span.startMs)).sort((a, b) => a - b);
  assert.deepEqual(starts, [10, 20, 30]);
});

test('reconcileBusy adds holders older than the history and closes bars nobody holds any more', () => {
  const store = new TimelineStore();
  store.ingest(new EventScript().requested(0, 'stale', 7, transfer).acquired(0, 'stale', 7, transfer, 0).events);
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
  store.ingest(new EventScript().call(0, 'r', 1, transfer, 100).call(200, 'r', 2, audit, 100).events);
  const lane = onlyLane(store);
  assert.equal(store.spanAt(lane, 50, 2, 1000)?.chainId, 1);
  assert.equal(store.spanAt(lane, 150, 2, 1000), undefined);
  assert.equal(store.spanAt(lane, 197, 5, 1000)?.chainId, 2);
});

test('laneSetVersion moves only when lanes appear or change what filters see', () => {
  const store = new TimelineStore();
  store.ingest(new EventScript().call(0, 'r', 1, transfer, 1).events);
  const version = store.laneSetVersion;
  store.ingest(new EventScript().call(10, 'r', 2, transfer, 1).events);
  assert.equal(store.laneSetVersion, version);
  store.ingest(new EventScript().call(20, 'r', 3, audit, 1).events);
  assert.ok(store.laneSetVersion > version);
});

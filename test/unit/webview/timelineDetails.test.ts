import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { describeItem, spanLabel } from '../../../webview/timeline/timelineDetails';
import { TimelineStore, type Span } from '../../../webview/timeline/timelineStore';
import { fromSource, LockEventFactory } from '../../support/lockEvents';

const facts = (description: { readonly facts: readonly (readonly [string, string])[] }): Record<string, string> => Object.fromEntries(description.facts);

test('a lost update names both calls, says the interleaving with its times, and links the three sites in order', () => {
  const store = new TimelineStore();
  const event = new LockEventFactory().lostUpdate('/srv/items.json', 7, Date.UTC(2026, 0, 1, 12, 0, 0, 500), { tool: 'add_item', requestId: 3 }, { tool: 'add_item', requestId: 4 });
  store.ingest(fromSource('s1', [{ ...event, overwritten: { ...event.overwritten, location: 'store.js:9:5' } }]));
  const lane = [...store.lanes.values()][0]!;
  const description = describeItem({ marker: lane.markers[0]! }, lane, 0, 'bundled server');
  assert.equal(description.title, "Lost update on '/srv/items.json': add_item #3 overwrote add_item #4's write");
  const said = facts(description);
  assert.match(said['Read']!, /^add_item #3 at \d\d:\d\d:00\.480$/);
  assert.match(said['Interleaved write']!, /^add_item #4 at \d\d:\d\d:00\.490, 10 ms after the read$/);
  assert.match(said['Stale write']!, /^add_item #3 at \d\d:\d\d:00\.500, 20 ms after the read: the other write is lost$/);
  assert.equal(said['Fix'], "hold one lock across the read and the write, e.g. withLock('file:items.json', ...)");
  assert.deepEqual(description.sites, [
    { label: 'add_item #3 read', location: 'server.ts:5:3' },
    { label: 'add_item #4 wrote', location: 'store.js:9:5' },
    { label: 'add_item #3 wrote stale', location: 'server.ts:7:3' },
  ]);
  assert.equal(description.tool, 'add_item');
});

test("a task's hold is the task's, with its age against the task's ttl, and who called", () => {
  const store = new TimelineStore();
  const make = new LockEventFactory();
  const owner = { tool: 'export', taskId: '7f3a', taskTtlMs: 30_000, caller: 'agent/1.2', connectionId: 'stdio-2', traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7' };
  store.ingest(fromSource('s1', [make.requested('report', 1, 0, owner), make.acquired('report', 1, 0, 0, owner)]));
  const lane = [...store.lanes.values()][0]!;
  const [hold] = lane.openSpans(12_000) as [Span];
  const young = describeItem({ span: hold }, lane, 12_000, 'fixture');
  assert.equal(young.title, 'export task 7f3a holds report');
  const said = facts(young);
  assert.equal(said['Held'], '12 s, still holding (task ttl 30 s)');
  assert.equal(said['Task'], '7f3a, ttl 30 s');
  assert.equal(said['Caller'], 'agent/1.2');
  assert.equal(said['Connection'], 'stdio-2');
  assert.equal(said['Trace'], '4bf92f3577b34da6a3ce929d0e0e4736 (span 00f067aa0ba902b7)');
  assert.equal(spanLabel(hold, 12_000), 'export task 7f3a · 12 s', 'the bar says whose task and how old its hold is');
  const [old] = lane.openSpans(45_000) as [Span];
  assert.equal(facts(describeItem({ span: old }, lane, 45_000, 'fixture'))['Held'], '45 s, still holding (over its task ttl of 30 s)');
});

test('a hold on a replica says the replica; a lease left by a replica that went away says who took it after', () => {
  const store = new TimelineStore();
  const make = new LockEventFactory();
  const r1 = { tool: 'transfer', requestId: 1, replica: 'r1' };
  const r2 = { tool: 'transfer', requestId: 9, replica: 'r2' };
  store.ingest(fromSource('r1', [make.requested('account:A', 1, 0, r1), make.acquired('account:A', 1, 0, 0, r1)]));
  store.ingest([{ type: 'sourceGone', atMs: 1000, sourceId: 'r1' }]);
  store.ingest(fromSource('r2', [make.requested('account:A', 1, 500, r2, 'write', 1), make.acquired('account:A', 1, 6000, 5500, r2)]));
  const lane = store.lanes.get('r1\u0000account:A')!;
  const spans: Span[] = [];
  lane.forEachSpanIn(0, 10_000, (span) => spans.push(span));
  const hold = describeItem({ span: spans.find((span) => span.kind === 'hold')! }, lane, 7000, "replica 'r1'");
  assert.equal(facts(hold)['Replica'], 'r1');
  assert.match(facts(hold)['Held']!, /until its process went away/);
  const lease = describeItem({ span: spans.find((span) => span.kind === 'lease')! }, lane, 7000, "replica 'r1'");
  assert.equal(lease.title, "transfer #1 on replica 'r1' went away holding account:A; its lease ran out");
  assert.equal(facts(lease)['Lease'], 'ran out within 5 s after its process went away');
  assert.equal(facts(lease)['Taken by'], "transfer #9 on replica 'r2'");
});

test('a lease still running out says so on its bar and in its details, in the words the legend uses', () => {
  const store = new TimelineStore();
  const make = new LockEventFactory();
  const r1 = { tool: 'transfer', requestId: 1, replica: 'r1' };
  store.ingest(fromSource('r1', [make.requested('account:A', 1, 0, r1), make.acquired('account:A', 1, 0, 0, r1)]));
  store.ingest([{ type: 'sourceGone', atMs: 1000, sourceId: 'r1' }]);
  const lane = store.lanes.get('r1\u0000account:A')!;
  const [lease] = lane.openSpans(3000) as [Span];
  assert.equal(spanLabel(lease, 3000), 'transfer #1: lease running out');
  const details = describeItem({ span: lease }, lane, 3000, "replica 'r1'");
  assert.equal(details.title, "transfer #1 on replica 'r1' went away holding account:A; its lease is running out");
  assert.equal(facts(details)['Lease'], '2 s since its process went away, nobody has taken it yet');
  assert.equal(facts(details)['Taken by'], 'nobody yet');
});

test("a lost lease: a marker on the resource's lane naming the holder, how long it held, its lease and fencing token; the hold's bar says it ended by the lease", () => {
  const store = new TimelineStore();
  const make = new LockEventFactory();
  const owner = { tool: 'transfer', requestId: 4, replica: 'r2' };
  store.ingest(fromSource('r2', [make.requested('account:A', 3, 0, owner), make.acquired('account:A', 3, 0, 0, owner), make.leaseLost('account:A', 3, 1200, 1200, 1000, 17, owner)]));
  const lane = store.lanes.get('r2\u0000account:A')!;
  assert.deepEqual(lane.markers.map((marker) => [marker.kind, marker.atMs]), [['leaseLost', 1200]]);
  assert.equal(lane.incidents, 1, 'a lost lease counts as an incident of its lane');
  const marker = describeItem({ marker: lane.markers[0]! }, lane, 1300, "replica 'r2'");
  assert.equal(marker.title, "Lease lost: transfer #4 on replica 'r2' held 'account:A' past its lease");
  assert.equal(facts(marker)['Held'], '1.2 s');
  assert.equal(facts(marker)['Lease'], '1 s, not renewed in time');
  assert.equal(facts(marker)['Fencing token'], '17: writes checked against it are refused');
  assert.equal(marker.tool, 'transfer');
  // Still open, its work going on: the bar already says the lease ran out.
  const [open] = lane.openSpans(1300) as [Span];
  assert.deepEqual(open.leaseLost, { atMs: 1200, leaseMs: 1000 });
  assert.equal(describeItem({ span: open }, lane, 1300, "replica 'r2'").title, "transfer #4 on replica 'r2' held account:A");
  store.ingest(fromSource('r2', [make.released('account:A', 3, 1500, 1500, owner)]));
  const spans: Span[] = [];
  lane.forEachSpanIn(0, 10_000, (span) => spans.push(span));
  assert.deepEqual(spans.map((span) => [span.kind, span.startMs, span.endMs, span.leaseLost?.atMs]), [['hold', 0, 1500, 1200]]);
  assert.equal(facts(describeItem({ span: spans[0]! }, lane, 2000, "replica 'r2'"))['Held'], '1.2 s, until its 1 s lease ran out; its work went on 300 ms without the lock');
  // The next hold of the same chain is its own: not marked.
  store.ingest(fromSource('r2', [make.requested('account:A', 3, 2000, owner), make.acquired('account:A', 3, 2000, 0, owner)]));
  assert.equal((lane.openSpans(2100) as [Span])[0].leaseLost, undefined);
});

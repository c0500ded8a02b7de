import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import FakeTimers from '@sinonjs/fake-timers';
import { DEFAULT_NOTIFY_INTERVAL_MS, InspectorModel } from '../../../extension/inspector/inspectorModel';
import type { Clock } from '../../../extension/inspector/throttle';
import type { ModelChange } from '../../../extension/contract/inspectorSnapshot';
import { LockEventFactory } from '../../support/lockEvents';

const transfer1 = { tool: 'transfer', requestId: 1 };
const transfer2 = { tool: 'transfer', requestId: 2 };
const audit3 = { tool: 'audit', requestId: 3 };

function fakeClock() {
  const clock = FakeTimers.createClock(1_000_000);
  const modelClock: Clock = {
    now: () => clock.now,
    setTimeout: (callback, delayMs) => clock.setTimeout(callback, delayMs),
    clearTimeout: (handle) => clock.clearTimeout(handle as FakeTimers.TimerId),
  };
  return { clock, modelClock };
}

describe('InspectorModel', () => {
  it('tracks holders, waiters in queue order, counts and wait/hold percentiles per resource', () => {
    const model = new InspectorModel();
    const make = new LockEventFactory();
    model.ingest('s1', [
      make.requested('account:A', 1, 100, transfer1),
      make.acquired('account:A', 1, 100, 0, transfer1),
      make.requested('account:A', 2, 110, transfer2),
      make.requested('account:A', 3, 120, audit3),
    ]);
    let resource = model.snapshot().resources[0];
    assert.equal(resource?.id, 'account:A');
    assert.deepEqual(resource?.holders.map((holder) => holder.owner), [transfer1]);
    assert.equal(resource?.holders[0]?.sinceMs, 100);
    assert.deepEqual(resource?.waiters.map((waiter) => [waiter.chainId, waiter.sinceMs]), [[2, 110], [3, 120]]);

    model.ingest('s1', [
      make.released('account:A', 1, 150, 50, transfer1),
      make.acquired('account:A', 2, 150, 40, transfer2),
      make.timeout('account:A', 3, 160, 40, audit3),
    ]);
    resource = model.snapshot().resources[0];
    assert.deepEqual(resource?.holders.map((holder) => holder.chainId), [2]);
    assert.deepEqual(resource?.waiters, []);
    assert.equal(resource?.acquisitions, 2);
    assert.equal(resource?.timeouts, 1);
    assert.deepEqual(resource?.lastIncident, { kind: 'timeout', atMs: 160 });
    assert.equal(resource?.hold.count, 1);
    assert.equal(resource?.hold.max, 50);
    assert.equal(resource?.wait.count, 2);
    assert.equal(resource?.wait.max, 40);
    assert.equal(resource?.wait.p50, 0, 'median of waits 0 and 40 is the uncontended 0');
    const totals = model.snapshot().totals;
    assert.equal(totals.held, 1);
    assert.equal(totals.waiting, 0);
    assert.equal(totals.timeouts, 1);
    assert.equal(totals.events, 7);
  });

  it('lists busy resources first, longest queue first, then idle ones most recent first', () => {
    const model = new InspectorModel();
    const make = new LockEventFactory();
    model.ingest('s1', [
      make.acquired('idle-old', 1, 1, 0),
      make.released('idle-old', 1, 2, 1),
      make.acquired('one-holder', 2, 3, 0),
      make.acquired('queued', 3, 4, 0),
      make.requested('queued', 4, 5),
      make.acquired('idle-new', 5, 6, 0),
      make.released('idle-new', 5, 7, 1),
    ]);
    assert.deepEqual(model.snapshot().resources.map((resource) => resource.id), ['queued', 'one-holder', 'idle-new', 'idle-old']);
  });

  it('keeps per-tool calls, active calls, errors, timeouts, deadlocks, waits, holds and what it holds now', () => {
    const model = new InspectorModel();
    const make = new LockEventFactory();
    model.ingest('s1', [
      make.callStarted(transfer1, 100),
      make.callStarted(transfer2, 100),
      make.acquired('account:A', 1, 101, 0, transfer1),
      make.requested('account:A', 2, 101, transfer2),
      make.timeout('account:A', 2, 200, 99, transfer2),
      make.callEnded(transfer2, 200, 100, 'error', 'E_LOCK_TIMEOUT'),
      make.deadlock('account:B', 1, 'account:A', 9, 201, transfer1),
    ]);
    const tool = model.snapshot().tools.find((candidate) => candidate.tool === 'transfer');
    assert.equal(tool?.calls, 2);
    assert.equal(tool?.active, 1);
    assert.equal(tool?.errors, 1);
    assert.equal(tool?.timeouts, 1);
    assert.equal(tool?.deadlocks, 1);
    assert.deepEqual(tool?.holding, ['account:A']);
    assert.equal(tool?.wait.count, 1);

    model.ingest('s1', [make.released('account:A', 1, 300, 199, transfer1), make.callEnded(transfer1, 300, 200)]);
    const after = model.snapshot().tools.find((candidate) => candidate.tool === 'transfer');
    assert.equal(after?.active, 0);
    assert.deepEqual(after?.holding, []);
    assert.equal(after?.hold.max, 199);
  });

  it('warns about deadlocks naming the owners and resources of the cycle, and counts repeats in one warning', () => {
    const model = new InspectorModel();
    const make = new LockEventFactory();
    model.ingest('s1', [make.deadlock('account:B', 1, 'account:A', 2, 500, transfer1, transfer2)]);
    const [warning] = model.snapshot().warnings;
    assert.equal(warning?.kind, 'deadlock');
    assert.match(warning?.message ?? '', /transfer #1 asked for 'account:B'/);
    assert.match(warning?.message ?? '', /transfer #1 waits for 'account:B' held by transfer #2, which waits for 'account:A' held by transfer #1/);
    assert.equal(model.snapshot().totals.deadlocks, 1);

    model.ingest('s1', [make.deadlock('account:A', 2, 'account:B', 1, 600, transfer2, transfer1)]);
    const warnings = model.snapshot().warnings;
    assert.equal(warnings.length, 1, 'the same cycle seen from the other side is one warning');
    assert.match(warnings[0]?.message ?? '', /\(2 times\)/);
    assert.equal(warnings[0]?.atMs, 600);
  });

  it('warns about lock order inversions and long holds with what to do', () => {
    const model = new InspectorModel();
    const make = new LockEventFactory();
    model.ingest('s1', [make.inversion('a', 'b', 100, transfer1, audit3), make.longHold('a', 1, 2000, 1500, transfer1)]);
    const [longHold, inversion] = model.snapshot().warnings;
    assert.equal(inversion?.kind, 'inversion');
    assert.match(inversion?.message ?? '', /transfer #1 took 'a' then 'b' at server\.ts:10:5, but audit #3 took 'b' then 'a'/);
    assert.equal(longHold?.kind, 'longHold');
    assert.match(longHold?.message ?? '', /transfer #1 has held 'a' for 1\.5 s \(threshold 1 s\)/);
  });

  it('raises one timeout-storm warning at 5 timeouts within 10 s on a resource, and a new one after a quiet window', () => {
    const model = new InspectorModel();
    const make = new LockEventFactory();
    const timeoutsAt = (times: number[]) => model.ingest('s1', times.map((atMs, index) => make.timeout('hot', 100 + index, atMs, 5000)));
    timeoutsAt([0, 3000, 6000, 9000]);
    model.ingest('s1', [make.timeout('other', 1, 9500, 5000)]);
    assert.equal(model.snapshot().warnings.length, 0, 'four on one resource is not a storm');
    timeoutsAt([12_000]);
    assert.equal(model.snapshot().warnings.length, 0, 'the first timeout fell out of the 10 s window');
    timeoutsAt([12_500]);
    let storms = model.snapshot().warnings.filter((warning) => warning.kind === 'timeoutStorm');
    assert.equal(storms.length, 1);
    assert.match(storms[0]?.message ?? '', /5 lock timeouts on 'hot' within 10 s/);
    timeoutsAt([12_600]);
    storms = model.snapshot().warnings.filter((warning) => warning.kind === 'timeoutStorm');
    assert.equal(storms.length, 1, 'more timeouts update the same storm');
    assert.equal(storms[0]?.kind === 'timeoutStorm' && storms[0].timeouts, 6);
    timeoutsAt([40_000, 40_001, 40_002, 40_003, 40_004]);
    assert.equal(model.snapshot().warnings.filter((warning) => warning.kind === 'timeoutStorm').length, 2);
  });

  it('replaces only the reporting source\'s live state with a snapshot message', () => {
    const model = new InspectorModel();
    const make = new LockEventFactory();
    model.ingest('s1', [make.acquired('stale', 1, 1, 0), make.requested('stale', 2, 2)]);
    model.ingest('s2', [make.acquired('stale', 1, 1, 0)]);
    model.applySnapshot('s1', {
      atMs: 10,
      resources: [{ id: 'fresh', holders: [{ chainId: 7, mode: 'read', sinceMs: 5, owner: audit3 }], waiters: [{ chainId: 8, mode: 'write', sinceMs: 6 }] }],
    });
    const busy = model.snapshot().resources.filter((resource) => resource.holders.length + resource.waiters.length > 0);
    assert.deepEqual(busy.map((resource) => resource.key).sort(), ['s1\u0000fresh', 's2\u0000stale']);
    const fresh = busy.find((resource) => resource.id === 'fresh');
    assert.deepEqual(fresh?.holders, [{ chainId: 7, mode: 'read', sinceMs: 5, owner: audit3 }]);
    assert.equal(fresh?.waiters[0]?.chainId, 8);
  });

  it('marks a disconnected source and clears its holders, waiters and active calls', () => {
    const model = new InspectorModel();
    const make = new LockEventFactory();
    model.addSource({ id: 's1', label: 'bundled server', kind: 'launched', pid: 10, connectedAtMs: 0 });
    model.ingest('s1', [make.callStarted(transfer1, 1), make.acquired('a', 1, 1, 0, transfer1), make.requested('a', 2, 2, transfer2)]);
    model.disconnectSource('s1');
    const snapshot = model.snapshot();
    assert.equal(snapshot.sources[0]?.connected, false);
    assert.equal(snapshot.totals.held, 0);
    assert.equal(snapshot.totals.waiting, 0);
    assert.equal(snapshot.tools[0]?.active, 0);
    assert.equal(snapshot.resources[0]?.acquisitions, 1, 'history and statistics stay');
  });

  it('keeps a bounded history, oldest first, tagged with the source', () => {
    const model = new InspectorModel({ maxEvents: 3 });
    const make = new LockEventFactory();
    model.ingest('s1', [1, 2, 3, 4, 5].map((atMs) => make.requested('a', atMs, atMs)));
    assert.deepEqual(model.history().map((event) => [event.sourceId, event.atMs]), [['s1', 3], ['s1', 4], ['s1', 5]]);
    assert.equal(model.historyEvicted, 2);
  });

  it('clear() forgets history, statistics and warnings but keeps who holds and waits now', async () => {
    const { clock, modelClock } = fakeClock();
    const model = new InspectorModel({ clock: modelClock });
    const changes: ModelChange[] = [];
    model.subscribe((change) => changes.push(change));
    const make = new LockEventFactory();
    model.ingest('s1', [
      make.acquired('gone', 1, 1, 5),
      make.released('gone', 1, 2, 1),
      make.acquired('held', 2, 3, 5),
      make.deadlock('x', 3, 'y', 4, 4),
    ]);
    model.clear();
    await clock.tickAsync(100);
    const snapshot = model.snapshot();
    assert.deepEqual(model.history(), []);
    assert.deepEqual(snapshot.warnings, []);
    assert.deepEqual(snapshot.resources.map((resource) => [resource.id, resource.acquisitions]), [['held', 0]]);
    assert.equal(snapshot.totals.held, 1);
    assert.equal(snapshot.totals.events, 0);
    assert.equal(changes.length, 1);
    assert.equal(changes[0]?.cleared, true);
    assert.deepEqual(changes[0]?.events, [], 'events from before the clear are not sent after it');
  });

  it('coalesces change notifications to at most one per DEFAULT_NOTIFY_INTERVAL_MS and hands over every new event once', async () => {
    const { clock, modelClock } = fakeClock();
    const model = new InspectorModel({ clock: modelClock });
    const changes: ModelChange[] = [];
    model.subscribe((change) => changes.push(change));
    const make = new LockEventFactory();
    let sent = 0;
    // 10,000 events a second for one second, in 1 ms batches of 10.
    for (let millisecond = 0; millisecond < 1000; millisecond += 1) {
      model.ingest('s1', Array.from({ length: 10 }, () => make.requested(`r${sent % 50}`, sent++, clock.now)));
      await clock.tickAsync(1);
    }
    await clock.tickAsync(100);
    // The first change goes out at once, then one per interval while events keep coming.
    const perSecond = Math.ceil(1000 / DEFAULT_NOTIFY_INTERVAL_MS);
    assert.ok(changes.length >= perSecond - 2 && changes.length <= perSecond + 1, `expected about ${perSecond} changes in a second, got ${changes.length}`);
    assert.equal(changes.reduce((sum, change) => sum + change.events.length, 0), 10_000);
    assert.equal(changes.at(-1)?.snapshot.totals.events, 10_000);
    const countBefore = changes.length;
    await clock.tickAsync(1000);
    assert.equal(changes.length, countBefore, 'no change, no notification');
  });

  it('notifies the first change of a quiet period at once (next tick), not an interval later', async () => {
    const { clock, modelClock } = fakeClock();
    const model = new InspectorModel({ clock: modelClock });
    const changes: ModelChange[] = [];
    const unsubscribe = model.subscribe((change) => changes.push(change));
    model.countRejectedLine(undefined);
    await clock.tickAsync(0);
    assert.equal(changes.length, 1);
    assert.equal(changes[0]?.snapshot.totals.linesRejected, 1);
    unsubscribe();
    model.countRejectedLine(undefined);
    await clock.tickAsync(1000);
    assert.equal(changes.length, 1, 'no notification after unsubscribe');
  });

  it('keeps a listener that throws from starving the others', async () => {
    const { clock, modelClock } = fakeClock();
    const model = new InspectorModel({ clock: modelClock });
    let calls = 0;
    model.subscribe(() => {
      throw new Error('broken view');
    });
    model.subscribe(() => calls++);
    model.countRejectedLine(undefined);
    await clock.tickAsync(0);
    assert.equal(calls, 1);
  });

  it('bounds resources by forgetting the least recently active idle ones, never busy ones', () => {
    const model = new InspectorModel({ maxResources: 100 });
    const make = new LockEventFactory();
    model.ingest('s1', [make.acquired('busy-early', 1, 0, 0)]);
    for (let index = 0; index < 1000; index += 1) {
      model.ingest('s1', [make.acquired(`r${index}`, 2, index, 0), make.released(`r${index}`, 2, index, 0)]);
    }
    const resources = model.snapshot().resources;
    assert.equal(resources.length, 100);
    assert.equal(resources[0]?.id, 'busy-early');
    assert.equal(resources[1]?.id, 'r999');
  });

  it('counts rejected lines per source and unattributed ones in the totals', () => {
    const model = new InspectorModel();
    model.addSource({ id: 's1', label: 'x', kind: 'chat', pid: 1, connectedAtMs: 0 });
    model.countRejectedLine('s1');
    model.countRejectedLine(undefined);
    assert.equal(model.snapshot().sources[0]?.linesRejected, 1);
    assert.equal(model.snapshot().totals.linesRejected, 2);
  });

  it('marks where a source could not deliver events: a gap in history at that moment, counted per source', () => {
    const { modelClock } = fakeClock();
    const model = new InspectorModel({ clock: modelClock });
    const make = new LockEventFactory();
    model.ingest('s1', [make.acquired('account:A', 1, 500, 0)]);
    model.ingest('s1', [make.released('account:A', 1, 3_500, 3_000)], 7940);
    model.ingest('s1', [], 12);
    const gaps = model.history().filter((event) => event.type === 'eventsDropped');
    assert.deepEqual(gaps, [
      { type: 'eventsDropped', atMs: 3_500, count: 7940, sourceId: 's1' },
      { type: 'eventsDropped', atMs: 1_000_000, count: 12, sourceId: 's1' },
    ]);
    assert.equal(model.history().at(-2)?.type, 'released', 'the gap comes before the first event after it');
    assert.equal(model.snapshot().sources[0]?.eventsDroppedBySource, 7952);
  });

  it('keeps at most maxPartiesPerSource holders and waiters of a source, and counts what it refused', () => {
    const model = new InspectorModel({ maxPartiesPerSource: 100 });
    const make = new LockEventFactory();
    model.ingest('s1', Array.from({ length: 1000 }, (_, index) => make.acquired(`r${index}`, index + 1, 10, 0)));
    model.ingest('s1', Array.from({ length: 50 }, (_, index) => make.requested('r0', 2000 + index, 20)));
    model.ingest('s2', [make.acquired('r0', 1, 10, 0)]);
    let snapshot = model.snapshot();
    assert.equal(snapshot.totals.held + snapshot.totals.waiting, 101, 'the cap is per source');
    assert.equal(snapshot.sources.find((source) => source.id === 's1')?.partiesRefused, 950);
    assert.equal(snapshot.sources.find((source) => source.id === 's2')?.partiesRefused, 0);
    // Releases make room again.
    model.ingest('s1', Array.from({ length: 10 }, (_, index) => make.released(`r${index}`, index + 1, 30, 20)));
    model.ingest('s1', [make.acquired('fresh', 5000, 40, 0)]);
    snapshot = model.snapshot();
    assert.ok(snapshot.resources.some((resource) => resource.id === 'fresh' && resource.holders.length === 1));
    assert.equal(snapshot.sources.find((source) => source.id === 's1')?.partiesRefused, 950);
    // A snapshot message is held to the same cap.
    model.applySnapshot('s1', { atMs: 50, resources: Array.from({ length: 300 }, (_, index) => ({ id: `snap${index}`, holders: [{ chainId: index, mode: 'write' as const, sinceMs: 1 }], waiters: [] })) });
    snapshot = model.snapshot();
    assert.equal(snapshot.resources.filter((resource) => resource.sourceId === 's1' && resource.holders.length > 0).length, 100);
    assert.equal(snapshot.sources.find((source) => source.id === 's1')?.partiesRefused, 1150);
  });

  it('refuses nonsensical limits with a message that names the option', () => {
    assert.throws(() => new InspectorModel({ maxEvents: 0 }), /maxEvents must be a positive integer, got 0/);
  });
});

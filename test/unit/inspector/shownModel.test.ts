import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { InspectorModelReader, InspectorSnapshot, ModelChange, SourcedEvent } from '../../../extension/contract/inspectorSnapshot';
import { InspectorModel } from '../../../extension/inspector/inspectorModel';
import { ShownModel } from '../../../extension/inspector/shownModel';
import { fromSource, LockEventFactory } from '../../support/lockEvents';

const make = new LockEventFactory();
const snapshotAt = (atMs: number) => ({ atMs, sources: [], resources: [], tools: [], warnings: [], totals: { held: 0, waiting: 0, timeouts: 0, deadlocks: 0, events: 0, linesRejected: 0 } }) satisfies InspectorSnapshot;

/** A live model whose changes the test fires by hand. */
function fakeLive(): InspectorModelReader & { fire(change: ModelChange): void; listeners: number } {
  const listeners = new Set<(change: ModelChange) => void>();
  return {
    snapshot: () => snapshotAt(1),
    history: () => fromSource('live', make.call('db', 1, 1, 5)),
    subscribe: (listener) => (listeners.add(listener), () => listeners.delete(listener)),
    fire: (change) => listeners.forEach((listener) => listener(change)),
    get listeners() {
      return listeners.size;
    },
  };
}

describe('ShownModel', () => {
  const recorded: SourcedEvent[] = fromSource('rec', make.call('account:alice', 9, 500, 20));

  it('shows a replay in place of the live model: one clearing change with its history, then no live changes', () => {
    const live = fakeLive();
    const shown = new ShownModel(live);
    const changes: ModelChange[] = [];
    shown.subscribe((change) => changes.push(change));
    live.fire({ snapshot: snapshotAt(2), events: [], cleared: false });
    shown.show({ label: 'session.lockrec', snapshot: () => snapshotAt(500), history: () => recorded });
    live.fire({ snapshot: snapshotAt(3), events: [], cleared: false });
    assert.deepEqual(changes.map((change) => [change.snapshot.atMs, change.cleared, change.events.length]), [[2, false, 0], [500, true, 3]]);
    assert.equal(shown.history(), recorded);
    assert.equal(shown.shownReplay?.label, 'session.lockrec');
  });

  it('goes back to live with a clearing change carrying the live history', () => {
    const live = fakeLive();
    const shown = new ShownModel(live);
    const changes: ModelChange[] = [];
    shown.subscribe((change) => changes.push(change));
    shown.show({ label: 'r', snapshot: () => snapshotAt(500), history: () => recorded });
    shown.show(undefined);
    live.fire({ snapshot: snapshotAt(4), events: [], cleared: false });
    assert.deepEqual(changes.map((change) => [change.snapshot.atMs, change.cleared, change.events.length]), [[500, true, 3], [1, true, 3], [4, false, 0]]);
    assert.equal(shown.snapshot().atMs, 1);
  });

  it('leads the warnings with advice on the shown history, worked out again at most once per interval', () => {
    let nowMs = 0;
    const clock = { now: () => nowMs, setTimeout: () => undefined, clearTimeout: () => {} };
    const advised: number[] = [];
    const advise = (history: readonly SourcedEvent[]) => {
      advised.push(history.length);
      return [{ id: `advice:${history.length}`, kind: 'advice' as const, advice: 'granularity' as const, sourceId: 'live', atMs: 1, message: 'coarse', resource: 'db' }];
    };
    const shown = new ShownModel(fakeLive(), advise, 2000, clock);
    assert.deepEqual(shown.snapshot().warnings.map((warning) => warning.id), ['advice:3']);
    nowMs = 1000;
    shown.snapshot();
    assert.deepEqual(advised, [3], 'not again within the interval');
    shown.show({ label: 'r', snapshot: () => snapshotAt(500), history: () => [...recorded, ...recorded] });
    assert.deepEqual(shown.snapshot().warnings.map((warning) => warning.id), ['advice:6'], 'at once for a newly shown recording');
    nowMs = 3500;
    shown.snapshot();
    assert.deepEqual(advised, [3, 6, 6]);
  });

  it('listens to the live model only while someone listens to it', () => {
    const live = fakeLive();
    const shown = new ShownModel(live);
    const unsubscribeFirst = shown.subscribe(() => {});
    const unsubscribeSecond = shown.subscribe(() => {});
    assert.equal(live.listeners, 1);
    unsubscribeFirst();
    unsubscribeSecond();
    assert.equal(live.listeners, 0);
  });
});

describe('ShownModel time cursor (scrub)', () => {
  const bank = { tool: 'transfer' };
  /** A live model: transfer #1 holds account:alice from 100 to 300 with #2 then #3 queued; #2 deadlocks at 250. */
  function liveModel(): InspectorModel {
    const model = new InspectorModel({ clock: { now: () => 1000, setTimeout: () => undefined, clearTimeout: () => {} } });
    const make = new LockEventFactory();
    model.addSource({ id: 'bank', label: 'bank', kind: 'launched', pid: 1, connectedAtMs: 0 });
    model.ingest('bank', [
      make.requested('account:alice', 1, 100, { ...bank, requestId: 1 }),
      make.acquired('account:alice', 1, 100, 0, { ...bank, requestId: 1 }),
      make.requested('account:bob', 2, 150, { ...bank, requestId: 2 }),
      make.acquired('account:bob', 2, 150, 0, { ...bank, requestId: 2 }),
      make.requested('account:alice', 2, 200, { ...bank, requestId: 2 }, 'write', 1),
      make.requested('account:alice', 3, 210, { ...bank, requestId: 3 }, 'write', 2),
      make.deadlock('account:bob', 1, 'account:alice', 2, 250, { ...bank, requestId: 1 }, { ...bank, requestId: 2 }),
      make.released('account:alice', 1, 300, 200, { ...bank, requestId: 1 }),
      make.acquired('account:alice', 2, 300, 100, { ...bank, requestId: 2 }),
    ]);
    return model;
  }
  const alice = (snapshot: InspectorSnapshot) => snapshot.resources.find((resource) => resource.id === 'account:alice');

  it('shows holders and queues in order at the cursor, and only the warnings raised by then', () => {
    const shown = new ShownModel(liveModel());
    shown.scrubTo(220);
    const at220 = shown.snapshot();
    assert.equal(at220.atMs, 220);
    assert.deepEqual(alice(at220)?.holders.map((holder) => holder.chainId), [1]);
    assert.deepEqual(alice(at220)?.waiters.map((waiter) => waiter.chainId), [2, 3], 'the queue in order');
    assert.deepEqual(at220.warnings, [], 'the deadlock comes later');
    shown.scrubTo(260);
    const at260 = shown.snapshot();
    assert.deepEqual(at260.warnings.map((warning) => warning.kind), ['deadlock']);
    assert.equal(at260.warnings[0]?.kind === 'deadlock' && at260.warnings[0].cycle.length, 2, 'the wait-for graph of the cycle');
    shown.scrubTo(undefined);
    assert.deepEqual(alice(shown.snapshot())?.holders.map((holder) => holder.chainId), [2], 'back to the latest state');
  });

  it('tells listeners without events and with the latest snapshot, so the timeline keeps its clock', () => {
    const shown = new ShownModel(liveModel());
    const changes: ModelChange[] = [];
    shown.subscribe((change) => changes.push(change));
    shown.scrubTo(220);
    assert.deepEqual(changes.map((change) => [change.snapshot.atMs, change.events.length, change.cleared]), [[1000, 0, false]]);
  });
});

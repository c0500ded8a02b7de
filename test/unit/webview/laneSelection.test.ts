import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { selectLanes } from '../../../webview/timeline/laneSelection';
import { TimelineStore } from '../../../webview/timeline/timelineStore';
import { fromSource, LockEventFactory } from '../../support/lockEvents';

function storeWithLanes(): TimelineStore {
  const store = new TimelineStore();
  const make = new LockEventFactory();
  const transfer = { tool: 'transfer' };
  const audit = { tool: 'audit' };
  store.ingest(
    fromSource('s1', [
      ...make.call('account:10', 1, 0, 5, transfer),
      ...make.call('account:2', 2, 10, 5, audit),
      make.requested('account:2', 3, 20, transfer),
      make.acquired('account:2', 3, 20, 0, transfer),
      make.requested('account:2', 4, 21, audit, 'write', 1),
      make.timeout('account:2', 4, 5021, 5000, audit),
    ]),
  );
  store.ingest(fromSource('s2', make.call('cache', 5, 30, 1, audit)));
  return store;
}

const names = (lanes: ReturnType<typeof selectLanes>): string[] => lanes.map((lane) => lane.resource);

test('name order is natural: account:2 before account:10', () => {
  assert.deepEqual(names(selectLanes(storeWithLanes().lanes.values(), {}, 'name')), ['account:2', 'account:10', 'cache']);
});

test('contention order puts incidents first; recent order puts the latest activity first', () => {
  const store = storeWithLanes();
  assert.equal(names(selectLanes(store.lanes.values(), {}, 'contention'))[0], 'account:2');
  assert.equal(names(selectLanes(store.lanes.values(), {}, 'recent'))[0], 'account:2');
});

test('filters by tool, resource text, source and contention', () => {
  const lanes = [...storeWithLanes().lanes.values()];
  assert.deepEqual(names(selectLanes(lanes, { tool: 'transfer' }, 'name')), ['account:2', 'account:10']);
  assert.deepEqual(names(selectLanes(lanes, { resource: 'ACC' }, 'name')), ['account:2', 'account:10']);
  assert.deepEqual(names(selectLanes(lanes, { sourceId: 's2' }, 'name')), ['cache']);
  assert.deepEqual(names(selectLanes(lanes, { onlyContended: true }, 'name')), ['account:2']);
  assert.deepEqual(names(selectLanes(lanes, { tool: 'audit', onlyContended: true, resource: 'cache' }, 'name')), []);
});

test("source order keeps each source's (replica's) lanes together, in the sources' order, by name within", () => {
  const lanes = [...storeWithLanes().lanes.values()];
  const rank = (sourceId: string): number => ['s2', 's1'].indexOf(sourceId);
  assert.deepEqual(names(selectLanes(lanes, {}, 'source', rank)), ['cache', 'account:2', 'account:10']);
});

test('merged lanes match a source filter when any of their sources is that one', () => {
  const store = storeWithLanes();
  store.ingest(fromSource('s2', new LockEventFactory().call('account:2', 9, 40, 1, { tool: 'audit' })));
  assert.deepEqual(names(selectLanes(store.mergedLanes(), { sourceId: 's2' }, 'name')), ['account:2', 'cache']);
});

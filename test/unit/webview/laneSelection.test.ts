import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { selectLanes } from '../../../webview/timeline/laneSelection';
import { TimelineStore } from '../../../webview/timeline/timelineStore';
import { EventScript } from './eventBuilders';

function storeWithLanes(): TimelineStore {
  const store = new TimelineStore();
  const transfer = { tool: 'transfer' };
  const audit = { tool: 'audit' };
  store.ingest(
    new EventScript('s1')
      .call(0, 'account:10', 1, transfer, 5)
      .call(10, 'account:2', 2, audit, 5)
      .requested(20, 'account:2', 3, transfer)
      .acquired(20, 'account:2', 3, transfer, 0)
      .requested(21, 'account:2', 4, audit, 1)
      .timedOut(5021, 'account:2', 4, audit, 5000).events,
  );
  store.ingest(new EventScript('s2').call(30, 'cache', 5, audit, 1).events);
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

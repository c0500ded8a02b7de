import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import type { ResourceView } from '../../../extension/contract/inspectorSnapshot';
import { orderResources, type ResourceQuery } from '../../../webview/sidebar/resourceOrder';

const NOW = 100_000;

function resource(id: string, fields: Partial<ResourceView> = {}): ResourceView {
  return {
    key: `s\u0000${id}`,
    sourceId: 's',
    id,
    holders: [],
    waiters: [],
    acquisitions: 0,
    timeouts: 0,
    aborts: 0,
    deadlocks: 0,
    wait: { count: 0, p50: 0, p95: 0, max: 0 },
    hold: { count: 0, p50: 0, p95: 0, max: 0 },
    ...fields,
  };
}

const holder = { chainId: 1, owner: { tool: 'transfer', requestId: 1 }, mode: 'write' as const, sinceMs: NOW - 500 };
const waiter = { chainId: 2, owner: { tool: 'audit', requestId: 2 }, mode: 'write' as const, sinceMs: NOW - 100 };
// Model order: busy first, then idle.
const resources = [
  resource('account:10', { holders: [holder], waiters: [waiter] }),
  resource('account:2', { holders: [holder], lastIncident: { kind: 'timeout', atMs: NOW - 2000 } }),
  resource('cache', { wait: { count: 3, p50: 5, p95: 90, max: 100 } }),
  resource('counter', { timeouts: 4, lastIncident: { kind: 'deadlock', atMs: NOW - 1000 } }),
  resource('old', { timeouts: 1, lastIncident: { kind: 'timeout', atMs: NOW - 60_000 } }),
];

const ids = (query: Partial<ResourceQuery>): string[] => orderResources(resources, { sort: 'busy', text: '', onlyBusy: false, ...query }, NOW).map((item) => item.id);

test('busy first keeps the model order and lifts recent incidents within busy and within idle', () => {
  assert.deepEqual(ids({}), ['account:2', 'account:10', 'counter', 'cache', 'old']);
});

test('figures sort descending with ties in model order; names sort naturally', () => {
  assert.deepEqual(ids({ sort: 'queue' }), ['account:10', 'account:2', 'cache', 'counter', 'old']);
  assert.deepEqual(ids({ sort: 'waitP95' })[0], 'cache');
  assert.deepEqual(ids({ sort: 'timeouts' }).slice(0, 2), ['counter', 'old']);
  assert.deepEqual(ids({ sort: 'name' }), ['account:2', 'account:10', 'cache', 'counter', 'old']);
});

test('filters by id or by the tool of a holder or waiter, and by busy', () => {
  assert.deepEqual(ids({ text: 'COUNTER' }), ['counter']);
  assert.deepEqual(ids({ text: 'audit' }), ['account:10']);
  assert.deepEqual(ids({ onlyBusy: true }), ['account:2', 'account:10']);
});

import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { countOf, describeSource, pausedDebuggeeMessage } from '../../../extension/contract/describe';

test('a count takes its noun in the right number, grouped', () => {
  assert.equal(countOf(1, 'resource'), '1 resource');
  assert.equal(countOf(0, 'resource'), '0 resources');
  assert.equal(countOf(12345, 'event'), '12,345 events');
  assert.equal(countOf(2, 'call waiting', 'calls waiting'), '2 calls waiting');
});

test('two runs of the same server read apart by pid and start time', () => {
  const first = describeSource({ label: 'bundled server', pid: 4242, connectedAtMs: new Date(2026, 11, 1, 9, 41, 7).getTime() });
  const second = describeSource({ label: 'bundled server', pid: 4310, connectedAtMs: new Date(2026, 11, 1, 9, 45, 0).getTime() });
  assert.equal(first, 'bundled server · pid 4242 · 09:41:07');
  assert.equal(second, 'bundled server · pid 4310 · 09:45:00');
});

test('a paused debuggee is described by what it holds and how many calls queue behind it', () => {
  const holder = { chainId: 3, owner: { tool: 'transfer', requestId: 12 }, mode: 'write' as const, sinceMs: 0 };
  const waiter = { ...holder, chainId: 4 };
  assert.equal(
    pausedDebuggeeMessage([{ id: 'account:alice', holders: [holder], waiters: [waiter, waiter, waiter] }, { id: 'account:bob', holders: [], waiters: [] }]),
    "paused: holding 'account:alice' (transfer #12), 3 calls queued behind it",
  );
  assert.equal(pausedDebuggeeMessage([]), 'paused, holding no lock');
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RecentIncrease } from '../../../extension/contract/recentIncrease';

test('counts only the rise within the window, so a steady rate reads steady however long it runs', () => {
  const recent = new RecentIncrease(60_000);
  const rises: number[] = [];
  // One deadlock a second for ten minutes, sampled every 5 s.
  for (let atMs = 0; atMs <= 600_000; atMs += 5_000) rises.push(recent.sample(atMs, atMs / 1000));
  assert.equal(rises[0], 0);
  assert.equal(rises[6], 30, 'half a minute in');
  assert.deepEqual(new Set(rises.slice(12)), new Set([60]), 'from a minute on: 60 a minute, not 600 in total');
});

test('falls to zero once the count stops rising, and starts over when the count goes down (Clear History)', () => {
  const recent = new RecentIncrease(60_000);
  recent.sample(0, 10);
  assert.equal(recent.sample(30_000, 25), 15);
  assert.equal(recent.sample(100_000, 25), 0);
  assert.equal(recent.sample(101_000, 2), 0);
  assert.equal(recent.sample(102_000, 5), 3);
});

import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { formatAgo, formatClock, formatPercentiles } from '../../../webview/shared/format';

test('ago is coarse', () => {
  assert.equal(formatAgo(1000, 1500), 'just now');
  assert.equal(formatAgo(0, 4200), '4.2 s ago');
  assert.equal(formatAgo(0, 185_000), '3 min ago');
});

test('clock shows milliseconds', () => {
  assert.equal(formatClock(new Date(2026, 0, 1, 9, 5, 7, 42).getTime()), '09:05:07.042');
});

test('tool percentiles share a unit when they can', () => {
  const stats = (p50: number, p95: number) => ({ count: 3, p50, p95, max: p95 });
  assert.equal(formatPercentiles(stats(3, 40)), '3 / 40 ms');
  assert.equal(formatPercentiles(stats(800, 1200)), '800 ms / 1.2 s');
  assert.equal(formatPercentiles({ count: 0, p50: 0, p95: 0, max: 0 }), '–');
});

import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { formatAgo, formatClock, formatDuration, formatOwner, formatPercentiles } from '../../../webview/shared/format';

test('durations read naturally at every scale', () => {
  const cases: [number, string][] = [
    [0.42, '0.4 ms'],
    [3, '3 ms'],
    [12.6, '13 ms'],
    [999, '999 ms'],
    [1200, '1.2 s'],
    [12_900, '12 s'],
    [125_000, '2 m 05 s'],
    [3_720_000, '1 h 02 m'],
    [-1, '–'],
    [Number.NaN, '–'],
  ];
  for (const [ms, text] of cases) assert.equal(formatDuration(ms), text, `${ms} ms`);
});

test('owners show tool and request, else their label, else the chain', () => {
  assert.equal(formatOwner({ tool: 'transfer', requestId: 12 }, 3), 'transfer #12');
  assert.equal(formatOwner({ tool: 'transfer' }, 3), 'transfer');
  assert.equal(formatOwner({ label: 'startup' }, 3), 'startup');
  assert.equal(formatOwner(undefined, 3), 'chain 3');
});

test('ago is coarse', () => {
  assert.equal(formatAgo(1000, 1500), 'just now');
  assert.equal(formatAgo(0, 4200), '4.2 s ago');
  assert.equal(formatAgo(0, 185_000), '3 m ago');
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

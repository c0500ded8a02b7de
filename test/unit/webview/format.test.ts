import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { fitMiddle, formatAgo, formatClock, formatPercentiles } from '../../../webview/shared/format';

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

test('a label too long for its room is cut in the middle, keeping the resource and the source readable', () => {
  const oneUnitPerCharacter = (text: string) => text.length;
  assert.equal(fitMiddle('account:alice', 20, oneUnitPerCharacter), 'account:alice');
  const fitted = fitMiddle('account:alice · Lock Inspector: debugged server · pid 4242', 24, oneUnitPerCharacter);
  assert.equal(fitted.length, 24);
  assert.match(fitted, /^account:ali.*….*pid 4242$/);
  assert.equal(fitMiddle('abcdef', 1, oneUnitPerCharacter), '…');
});

import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { HostClock } from '../../../webview/shared/hostClock';

test('follows the host time, moving on with the local clock', () => {
  let localMs = 1000;
  const clock = new HostClock(() => localMs);
  clock.sync(50_000);
  localMs += 250;
  assert.equal(clock.now(), 50_250);
});

test('a late message does not drag time back by more than 50 ms', () => {
  let localMs = 0;
  const clock = new HostClock(() => localMs);
  clock.sync(10_000);
  localMs = 1000;
  clock.sync(10_500);
  assert.equal(clock.now(), 10_950);
  clock.sync(12_000);
  assert.equal(clock.now(), 12_000);
});

import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import FakeTimers from '@sinonjs/fake-timers';
import { LatestThrottle, type ThrottleTimers } from '../../../../extension/host/views/latestThrottle';

function setup(): { clock: FakeTimers.Clock; delivered: number[]; throttle: LatestThrottle<number> } {
  const clock = FakeTimers.createClock(1000);
  const timers: ThrottleTimers = { setTimeout: (callback, delayMs) => clock.setTimeout(callback, delayMs), clearTimeout: (handle) => clock.clearTimeout(handle as number), now: () => clock.now };
  const delivered: number[] = [];
  return { clock, delivered, throttle: new LatestThrottle<number>(100, (value) => delivered.push(value), timers) };
}

test('the first value goes out at once; a burst within the interval ends with its latest value', async () => {
  const { clock, delivered, throttle } = setup();
  throttle.push(1);
  assert.deepEqual(delivered, [1]);
  await clock.tickAsync(20);
  throttle.push(2);
  throttle.push(3);
  assert.deepEqual(delivered, [1]);
  await clock.tickAsync(79);
  assert.deepEqual(delivered, [1]);
  await clock.tickAsync(1);
  assert.deepEqual(delivered, [1, 3]);
});

test('never more often than the interval under a steady stream', async () => {
  const { clock, delivered, throttle } = setup();
  for (let step = 0; step < 100; step++) {
    throttle.push(step);
    await clock.tickAsync(10);
  }
  assert.ok(delivered.length <= 11, `${delivered.length} deliveries in 1 s`);
  await clock.tickAsync(100);
  assert.equal(delivered.at(-1), 99, 'the latest value is delivered last');
});

test('cancel drops the waiting value', async () => {
  const { clock, delivered, throttle } = setup();
  throttle.push(1);
  throttle.push(2);
  throttle.cancel();
  await clock.tickAsync(500);
  assert.deepEqual(delivered, [1]);
});

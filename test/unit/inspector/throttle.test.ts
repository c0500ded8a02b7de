import FakeTimers from '@sinonjs/fake-timers';
import { strict as assert } from 'node:assert';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { Throttle, type Clock } from '../../../extension/inspector/throttle';

describe('Throttle', () => {
  const startMs = 1_000_000;
  let clock: FakeTimers.Clock;
  let runTimesMs: number[];
  let throttle: Throttle;

  beforeEach(() => {
    // A clock of its own, handed to the throttle, so the test runner's timers stay real.
    clock = FakeTimers.createClock(startMs);
    runTimesMs = [];
    const timers: Clock = { now: () => clock.now, setTimeout: (callback, delayMs) => clock.setTimeout(callback, delayMs), clearTimeout: (handle) => clock.clearTimeout(handle as FakeTimers.TimerId) };
    throttle = new Throttle(500, () => runTimesMs.push(clock.now - startMs), timers);
  });
  afterEach(() => throttle.cancel());

  it('runs on the next tick after a quiet interval, once for requests of the same tick', async () => {
    throttle.request();
    throttle.request();
    assert.deepEqual(runTimesMs, [], 'not inside the requesting call');
    await clock.tickAsync(0);
    assert.deepEqual(runTimesMs, [0]);
  });

  it('runs at most once per interval under a stream of requests, the last one included', async () => {
    for (let tick = 0; tick < 60; tick++) {
      throttle.request();
      await clock.tickAsync(50);
    }
    // 3 s of requests (the last at 2950 ms): one at once, then one every 500 ms, the last folding in the final request.
    await clock.tickAsync(500);
    assert.deepEqual(runTimesMs, [0, 500, 1000, 1500, 2000, 2500, 3000]);
  });

  it('never loses the last request, and never runs without one', async () => {
    throttle.request();
    await clock.tickAsync(100);
    throttle.request();
    throttle.request();
    assert.deepEqual(runTimesMs, [0]);
    await clock.tickAsync(400);
    assert.deepEqual(runTimesMs, [0, 500]);
    await clock.tickAsync(5000);
    assert.deepEqual(runTimesMs, [0, 500]);
  });

  it('flush runs a pending request at once; cancel drops it', async () => {
    throttle.request();
    throttle.flush();
    assert.deepEqual(runTimesMs, [0]);
    throttle.flush();
    assert.deepEqual(runTimesMs, [0], 'nothing pending, nothing run');
    throttle.request();
    throttle.cancel();
    await clock.tickAsync(1000);
    assert.deepEqual(runTimesMs, [0]);
  });
});

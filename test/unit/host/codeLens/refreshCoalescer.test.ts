import FakeTimers from '@sinonjs/fake-timers';
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { RefreshCoalescer } from '../../../../extension/host/codeLens/refreshCoalescer';

describe('RefreshCoalescer', () => {
  const startMs = 1_000_000;
  let clock: FakeTimers.Clock;
  let refreshTimesMs: number[];
  let coalescer: RefreshCoalescer;

  beforeEach(() => {
    // A clock of its own, handed to the coalescer, so the test runner's timers stay real.
    clock = FakeTimers.createClock(startMs);
    refreshTimesMs = [];
    const timers = { now: () => clock.now, setTimeout: clock.setTimeout, clearTimeout: (handle: unknown) => clock.clearTimeout(handle as FakeTimers.TimerId) };
    coalescer = new RefreshCoalescer(() => refreshTimesMs.push(clock.now - startMs), 500, timers);
  });
  afterEach(() => coalescer.dispose());

  it('refreshes at once after a quiet interval', () => {
    coalescer.request();
    assert.deepEqual(refreshTimesMs, [0]);
  });

  it('refreshes at most twice a second under a stream of changes (the model notifies 20 times a second)', async () => {
    for (let tick = 0; tick < 60; tick++) {
      coalescer.request();
      await clock.tickAsync(50);
    }
    // 3 s of changes (the last at 2950 ms): one immediate refresh, then one every 500 ms, the last folding in the final change.
    assert.deepEqual(refreshTimesMs, [0, 500, 1000, 1500, 2000, 2500, 3000]);
    for (let index = 1; index < refreshTimesMs.length; index++) assert.ok(refreshTimesMs[index]! - refreshTimesMs[index - 1]! >= 500);
  });

  it('never loses the last change: a request during the interval refreshes at its end', async () => {
    coalescer.request();
    await clock.tickAsync(100);
    coalescer.request();
    coalescer.request();
    assert.deepEqual(refreshTimesMs, [0]);
    await clock.tickAsync(400);
    assert.deepEqual(refreshTimesMs, [0, 500]);
    await clock.tickAsync(5000);
    assert.deepEqual(refreshTimesMs, [0, 500], 'no refresh without a request');
  });

  it('drops a pending refresh when disposed', async () => {
    coalescer.request();
    coalescer.request();
    coalescer.dispose();
    await clock.tickAsync(1000);
    assert.deepEqual(refreshTimesMs, [0]);
  });
});

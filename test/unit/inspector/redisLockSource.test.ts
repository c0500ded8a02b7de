import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import FakeTimers from '@sinonjs/fake-timers';
import type { LockSnapshot } from '../../../extension/contract/lockEvents';
import { InspectorModel } from '../../../extension/inspector/inspectorModel';
import { RedisLockSource, redisSourceLabel, type RedisLockStateReader } from '../../../extension/inspector/redisLockSource';
import type { Clock } from '../../../extension/inspector/throttle';

const held = (atMs: number): LockSnapshot => ({ atMs, resources: [{ id: 'account:bob', holders: [{ chainId: 3, owner: { tool: 'refund', requestId: 9, replica: 'quiet' }, mode: 'write', sinceMs: atMs }], waiters: [] }] });

/** A source on fake timers whose reads take `readMs` of fake time and fail while `failing` is set. */
function fakeSource(readMs: number) {
  const fake = FakeTimers.createClock(1_000_000);
  const clock: Clock = { now: () => fake.now, setTimeout: (callback, delayMs) => fake.setTimeout(callback, delayMs), clearTimeout: (handle) => fake.clearTimeout(handle as FakeTimers.TimerId) };
  const model = new InspectorModel({ clock });
  const state = { reads: [] as number[], failing: false, closed: false, problems: [] as (string | undefined)[] };
  const reader: RedisLockStateReader = {
    read: async () => {
      state.reads.push(fake.now);
      fake.tick(readMs);
      if (state.failing) throw new Error('connection refused');
      return held(fake.now);
    },
    close: async () => void (state.closed = true),
  };
  const source = new RedisLockSource(reader, model, { id: 'redis', label: 'Redis redis://127.0.0.1:6379' }, { clock, onProblem: (problem) => state.problems.push(problem) });
  return { fake, model, source, state };
}

/** Lets the read a timer started finish (its promise settles on the microtask queue). */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('RedisLockSource', () => {
  it('reads at once, then once a second while reads are cheap', async () => {
    const { fake, model, source, state } = fakeSource(5);
    await source.start();
    assert.equal(model.snapshot().sources[0]?.kind, 'redis');
    assert.equal(model.snapshot().totals.held, 1);
    for (let tick = 0; tick < 3; tick++) {
      await fake.tickAsync(1000);
      await settle();
    }
    const gaps = state.reads.slice(1).map((atMs, index) => atMs - state.reads[index]!);
    assert.deepEqual(gaps, [1005, 1005, 1005], 'a second after each read ended');
  });

  it('waits twenty times as long as an expensive read took, so reading costs Redis at most 5 %', async () => {
    const { fake, source, state } = fakeSource(200);
    await source.start();
    await fake.tickAsync(3999);
    await settle();
    assert.equal(state.reads.length, 1, 'not before 4 s');
    await fake.tickAsync(1);
    await settle();
    assert.equal(state.reads.length, 2);
    assert.equal(source.lastReadMs, 200);
  });

  it('on failure shows nothing rather than stale holders, says so once, backs off, and says when it works again', async () => {
    const { fake, model, source, state } = fakeSource(5);
    await source.start();
    state.failing = true;
    await fake.tickAsync(1000);
    await settle();
    assert.equal(model.snapshot().totals.held, 0, 'what was read before may be gone');
    assert.match(state.problems[0] ?? '', /^Could not read the lock state from Redis redis:\/\/127\.0\.0\.1:6379: connection refused\. Trying again, at most 10 s apart\.$/);
    for (let tick = 0; tick < 4; tick++) {
      await fake.tickAsync(10_000);
      await settle();
    }
    const gaps = state.reads.slice(2).map((atMs, index) => atMs - state.reads[index + 1]!);
    assert.deepEqual(gaps.slice(0, 4), [1005, 2005, 4005, 8005], 'doubling');
    assert.equal(state.problems.length, 1, 'said once');
    state.failing = false;
    await fake.tickAsync(10_000);
    await settle();
    assert.equal(model.snapshot().totals.held, 1);
    assert.deepEqual(state.problems.at(-1), undefined, 'the problem is over');
  });

  it('stops reading when stopped, closes its connection and marks the source gone', async () => {
    const { fake, model, source, state } = fakeSource(5);
    await source.start();
    await source.stop();
    await fake.tickAsync(10_000);
    assert.equal(state.reads.length, 1);
    assert.equal(state.closed, true);
    assert.equal(model.snapshot().sources[0]?.connected, false);
  });

  it('a read asked for while one is in flight follows it: one read at a time, one schedule, and stop waits for it', async () => {
    const fake = FakeTimers.createClock(1_000_000);
    const clock: Clock = { now: () => fake.now, setTimeout: (callback, delayMs) => fake.setTimeout(callback, delayMs), clearTimeout: (handle) => fake.clearTimeout(handle as FakeTimers.TimerId) };
    const pending: Array<() => void> = [];
    const reads: number[] = [];
    let inFlight = 0;
    let closedUnderRead = false;
    const reader: RedisLockStateReader = {
      read: () => {
        reads.push(fake.now);
        inFlight += 1;
        return new Promise<LockSnapshot>((resolve) => pending.push(() => (inFlight -= 1, resolve(held(fake.now)))));
      },
      close: async () => void (closedUnderRead = inFlight > 0),
    };
    const source = new RedisLockSource(reader, new InspectorModel({ clock }), { id: 'redis', label: 'Redis' }, { clock });
    const started = source.start();
    const asked = [source.readNow(), source.readNow()];
    assert.equal(reads.length, 1, 'no second read while the first is in flight');
    pending.shift()!();
    await started;
    await settle();
    assert.equal(reads.length, 2, 'one more read follows the one in flight, for both callers');
    pending.shift()!();
    await Promise.all(asked);
    for (let tick = 0; tick < 5; tick++) {
      await fake.tickAsync(1000);
      await settle();
      pending.shift()?.();
      await settle();
    }
    const gaps = reads.slice(2).map((atMs, index) => atMs - reads[index + 1]!);
    assert.deepEqual(gaps, [1000, 1000, 1000, 1000, 1000], 'one schedule, reading once a second');
    await fake.tickAsync(1000);
    const stopped = source.stop();
    await settle();
    assert.equal(inFlight, 1, 'a scheduled read is in flight as it stops');
    pending.shift()!();
    await stopped;
    assert.equal(closedUnderRead, false, 'the connection is closed only after the read in flight');
  });

  it('reads nothing more once stopped, though a read was asked for while one was in flight', async () => {
    const fake = FakeTimers.createClock(1_000_000);
    const clock: Clock = { now: () => fake.now, setTimeout: (callback, delayMs) => fake.setTimeout(callback, delayMs), clearTimeout: (handle) => fake.clearTimeout(handle as FakeTimers.TimerId) };
    let finishRead!: () => void;
    let reads = 0;
    const reader: RedisLockStateReader = {
      read: () => {
        reads += 1;
        return new Promise<LockSnapshot>((resolve) => (finishRead = () => resolve(held(fake.now))));
      },
      close: async () => undefined,
    };
    const source = new RedisLockSource(reader, new InspectorModel({ clock }), { id: 'redis', label: 'Redis' }, { clock });
    void source.start();
    const asked = source.readNow();
    const stopped = source.stop();
    finishRead();
    await Promise.all([asked, stopped]);
    await fake.tickAsync(10_000);
    assert.equal(reads, 1);
  });

  it('names the Redis without its password', () => {
    assert.equal(redisSourceLabel('redis://app:s3cret@10.0.0.5:6380/2'), 'Redis redis://10.0.0.5:6380/2');
  });
});

// One regression test per failure of the seed's lock map (DESIGN.md). Each scenario also runs against the seed,
// rebuilt in bench/, to show the test catches the bug it is about.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type FakeTimers from '@sinonjs/fake-timers';
import { SeedResourceLockMap } from '../../support/seedResourceLockMap';
import { DeadlockError, ResourceLockMap } from '../../../extension/locks';
import { gate, installClock, probe } from '../../support/lockTestKit';

/** The part of the API both maps share. */
interface LockMapUnderTest {
  withLock<T>(id: string, fn: () => T | Promise<T>): Promise<T>;
  withLocks<T>(ids: string[], fn: () => T | Promise<T>): Promise<T>;
}

const maps: [string, () => LockMapUnderTest][] = [
  ['ResourceLockMap', () => new ResourceLockMap(5000)],
  ['the seed', () => new SeedResourceLockMap(5000)],
];

/** After one waiter timed out, how many of 50 later calls under steady traffic (one every 10 ms, 5 ms each) succeed. */
async function servedAfterOneTimeout(clock: FakeTimers.Clock, locks: LockMapUnderTest): Promise<number> {
  const slow = gate();
  void locks.withLock('A', () => slow.promise);
  const timedOut = probe(locks.withLock('A', () => {}));
  await clock.tickAsync(5000);
  assert.equal(timedOut.state(), 'rejected');
  slow.open();
  const later = [];
  for (let call = 0; call < 50; call++) {
    later.push(probe(locks.withLock('A', () => clock.tickAsync(5))));
    await clock.tickAsync(10);
  }
  await clock.tickAsync(10_000);
  return later.filter((call) => call.state() === 'fulfilled').length;
}

/** How a transfer from an account to itself ends, and after how long. */
async function transferToSelf(clock: FakeTimers.Clock, locks: LockMapUnderTest): Promise<[string, number]> {
  const transfer = probe(locks.withLocks(['A', 'A'], () => 'moved'));
  await clock.tickAsync(0);
  if (transfer.state() === 'pending') await clock.tickAsync(5000);
  return [transfer.state(), clock.now];
}

/** When and how two opposite-order nested transfers end. */
async function oppositeOrders(clock: FakeTimers.Clock, locks: LockMapUnderTest): Promise<{ endedAtMs: number; errors: unknown[] }> {
  const bothHold = gate();
  const nested = (first: string, second: string) =>
    probe(locks.withLock(first, async () => {
      await bothHold.promise;
      return locks.withLock(second, () => 'done');
    }));
  const transfers = [nested('A', 'B'), nested('B', 'A')];
  await clock.tickAsync(0);
  bothHold.open();
  await clock.tickAsync(0);
  while (transfers.some((transfer) => transfer.state() === 'pending') && clock.now < 60_000) await clock.tickAsync(100);
  return { endedAtMs: clock.now, errors: transfers.map((transfer) => transfer.error()).filter(Boolean) };
}

describe('seed regressions', () => {
  let clock: FakeTimers.Clock;
  beforeEach(() => {
    clock = installClock();
  });
  afterEach(() => clock.uninstall());

  it('a waiter that timed out never acquires later: 50 of 50 later calls are served (the seed: 0)', async () => {
    const served = [];
    for (const [, create] of maps) {
      served.push(await servedAfterOneTimeout(clock, create()));
      clock.reset();
    }
    assert.deepEqual(served, [50, 0]);
  });

  it('leaves one timer per timeout, not per call, once waiters are served (the seed leaves one per call running)', async () => {
    const timersLeft = [];
    for (const [, create] of maps) {
      const locks = create();
      const holding = gate();
      const holder = locks.withLock('A', () => holding.promise);
      const waiters = Array.from({ length: 10 }, () => locks.withLock('A', () => 'served'));
      await clock.tickAsync(1);
      holding.open();
      await Promise.all([holder, ...waiters]);
      timersLeft.push(clock.countTimers());
      clock.reset();
    }
    // Ours: the one wait timer of the 5 s timeout, unref'd and left for the next waiter until it fires.
    assert.deepEqual(timersLeft, [1, 11]);
  });

  it('transfer(A, A) completes at once (the seed waits out its timeout)', async () => {
    const outcomes = [];
    for (const [, create] of maps) {
      outcomes.push(await transferToSelf(clock, create()));
      clock.reset();
    }
    assert.deepEqual(outcomes, [['fulfilled', 0], ['rejected', 5000]]);
  });

  it('an opposite-order deadlock ends at once with E_DEADLOCK (the seed: only by a timeout)', async () => {
    const ours = await oppositeOrders(clock, maps[0][1]());
    clock.reset();
    const seed = await oppositeOrders(clock, maps[1][1]());
    assert.equal(ours.endedAtMs, 0);
    assert.equal(ours.errors.length, 1);
    assert.ok(ours.errors[0] instanceof DeadlockError);
    assert.ok(seed.endedAtMs >= 5000);
    assert.match(String(seed.errors[0]), /Timeout acquiring lock/);
  });

  it('leaves no entry and no timer after calls on many distinct keys (the seed: one timer per call)', async () => {
    const left = [];
    for (const [, create] of maps) {
      const locks = create() as LockMapUnderTest & { readonly size: number };
      for (let key = 0; key < 5000; key++) await locks.withLock(`key:${key}`, () => key);
      left.push([locks.size, clock.countTimers()]);
      clock.reset();
    }
    assert.deepEqual(left, [[0, 0], [0, 5000]]);
  });

  it('lets a process exit as soon as its last call is done', () => {
    const child = spawnSync(process.execPath, ['--import', 'tsx', join(__dirname, 'exitPromptly.fixture.ts')], { encoding: 'utf8' });
    assert.equal(child.status, 0, child.stderr);
    const { lastCallDoneMs, exitMs } = JSON.parse(child.stdout) as { lastCallDoneMs: number; exitMs: number };
    assert.ok(exitMs - lastCallDoneMs < 200, `exited ${exitMs - lastCallDoneMs} ms after the last call`);
  });
});

// Issue 12 item 6: waiters sharing one AbortSignal cost it one abort listener, not one each.
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { describe, it } from 'node:test';
import { LockAbortedError, ResourceLockMap, runWithLockContext } from '../../../extension/locks';
import { gate, useClockAndWarnings, probe } from '../../support/lockTestKit';

// One more than Node's default limit of listeners per event target.
const WAITERS = 11;

describe('waiters sharing one AbortSignal', () => {
  const testbed = useClockAndWarnings();
  const { warnings } = testbed;

  it('add one abort listener to it, with no MaxListenersExceededWarning, and remove it once served', async () => {
    const locks = new ResourceLockMap(1000);
    const controller = new AbortController();
    const holding = gate();
    void locks.withLock('A', () => holding.promise);
    const waiters = Array.from({ length: WAITERS }, (_, index) => probe(locks.withLock('A', () => index, { signal: controller.signal })));
    await testbed.clock.tickAsync(0);
    assert.equal(getEventListeners(controller.signal, 'abort').length, 1);
    holding.open();
    await testbed.clock.tickAsync(0);
    assert.deepEqual(waiters.map((waiter) => waiter.value()), Array.from({ length: WAITERS }, (_, index) => index));
    assert.equal(getEventListeners(controller.signal, 'abort').length, 0);
    assert.deepEqual(await warnings.delivered(), []);
  });

  it('are all cancelled, in queue order, when the signal of their lock context aborts', async () => {
    const locks = new ResourceLockMap(1000);
    const controller = new AbortController();
    const holding = gate();
    const holder = probe(locks.withLock('A', () => holding.promise));
    const outsider = probe(locks.withLock('A', () => 'not cancelled'));
    const cancelled: number[] = [];
    const waiters = runWithLockContext({ signal: controller.signal }, () =>
      Array.from({ length: WAITERS }, (_, index) => probe(locks.withLock('A', () => {}).catch((error: unknown) => {
        cancelled.push(index);
        throw error;
      }))),
    );
    await testbed.clock.tickAsync(0);
    controller.abort(new Error('client cancelled'));
    await testbed.clock.tickAsync(0);
    assert.ok(waiters.every((waiter) => waiter.error() instanceof LockAbortedError));
    assert.deepEqual(cancelled, Array.from({ length: WAITERS }, (_, index) => index));
    assert.equal(getEventListeners(controller.signal, 'abort').length, 0);
    assert.deepEqual(locks.snapshot().resources[0]?.waiters.length, 1);
    holding.open();
    await testbed.clock.tickAsync(0);
    assert.equal(holder.state(), 'fulfilled');
    assert.equal(outsider.value(), 'not cancelled');
    assert.deepEqual(await warnings.delivered(), []);
  });

  it('are cancelled by their own signal too, which leaves the shared one to the others', async () => {
    const locks = new ResourceLockMap(1000);
    const shared = new AbortController();
    const own = new AbortController();
    const holding = gate();
    void locks.withLock('A', () => holding.promise);
    const [first, second] = runWithLockContext({ signal: shared.signal }, () => [
      probe(locks.withLock('A', () => 'first', { signal: own.signal })),
      probe(locks.withLock('A', () => 'second')),
    ]);
    await testbed.clock.tickAsync(0);
    own.abort();
    await testbed.clock.tickAsync(0);
    assert.ok(first.error() instanceof LockAbortedError);
    assert.equal(getEventListeners(own.signal, 'abort').length, 0);
    assert.equal(getEventListeners(shared.signal, 'abort').length, 1);
    holding.open();
    await testbed.clock.tickAsync(0);
    assert.equal(second.value(), 'second');
    assert.equal(getEventListeners(shared.signal, 'abort').length, 0);
  });
});

// Issue 12 item 5: nothing a listener does may change lock behaviour; a throwing listener is reported, rate limited.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ResourceLockMap, type LockEvent } from '../../../extension/locks';
import { gate, useClockAndWarnings, probe, recordEvents } from '../../support/lockTestKit';

/** Has no prototype, so `String()` of it throws. */
const unprintable = (): never => {
  throw Object.create(null);
};

describe('a listener that throws', () => {
  const testbed = useClockAndWarnings();
  const { warnings } = testbed;

  it('leaves later calls working when what it throws cannot be printed', async () => {
    const locks = new ResourceLockMap(1000);
    locks.subscribe(unprintable);
    assert.equal(await locks.withLock('A', () => 'first'), 'first');
    assert.equal(await locks.withLock('A', () => 'second'), 'second');
    assert.equal(locks.size, 0);
    assert.match((await warnings.delivered('LockListenerWarning'))[0] ?? '', /threw on a 'requested' event: a value String\(\) cannot print/);
  });

  it('still hands the resource over to a waiter and frees it afterwards', async () => {
    const locks = new ResourceLockMap(1000);
    locks.subscribe(unprintable);
    const holding = gate();
    const holder = probe(locks.withLock('A', () => holding.promise));
    const waiter = probe(locks.withLock('A', () => 'waited'));
    await testbed.clock.tickAsync(0);
    holding.open();
    await testbed.clock.tickAsync(0);
    assert.equal(holder.state(), 'fulfilled');
    assert.equal(waiter.value(), 'waited');
    assert.equal(locks.size, 0);
  });

  it('does not keep the other listeners from any event', async () => {
    const scenario = async (locks: ResourceLockMap): Promise<string[]> => {
      const seen = recordEvents(locks);
      const holding = gate();
      const holder = locks.withLock('A', () => holding.promise);
      const timedOut = probe(locks.withLock('A', () => {}, { timeoutMs: 10 }));
      const waiter = locks.withLock('A', () => 'waited', { mode: 'read' });
      await testbed.clock.tickAsync(10);
      holding.open();
      await Promise.all([holder, waiter, timedOut.promise.catch(() => {})]);
      return seen.map((event) => `${event.seq} ${event.type}`);
    };
    const quiet = await scenario(new ResourceLockMap(1000));
    const disturbed = new ResourceLockMap(1000);
    disturbed.subscribe(unprintable);
    disturbed.subscribe(() => {
      throw new Error('second bad listener');
    });
    assert.deepEqual(await scenario(disturbed), quiet);
  });

  it('is reported once at first, then as one count at most every 10 s', async () => {
    const locks = new ResourceLockMap(1000);
    locks.subscribe((event: LockEvent) => {
      throw new Error(`listener bug on ${event.type}`);
    });
    for (let call = 0; call < 10_000; call++) await locks.withLock('A', () => {});
    assert.deepEqual(await warnings.delivered('LockListenerWarning'), [
      "LockListenerWarning: A lock event listener threw on a 'requested' event: Error: listener bug on requested. " +
        'Later throws of this listener are counted and reported at most every 10 s; the locks are not affected.',
    ]);
    await testbed.clock.tickAsync(9_999);
    assert.equal((await warnings.delivered('LockListenerWarning')).length, 1);
    await testbed.clock.tickAsync(1);
    assert.equal(
      (await warnings.delivered('LockListenerWarning'))[1],
      "LockListenerWarning: A lock event listener threw 29999 more times in the last 10 s, last on a 'released' event: Error: listener bug on released.",
    );
    await locks.withLock('A', () => {});
    await testbed.clock.tickAsync(9_999);
    assert.equal((await warnings.delivered('LockListenerWarning')).length, 2);
    await testbed.clock.tickAsync(1);
    assert.match((await warnings.delivered('LockListenerWarning'))[2] ?? '', /threw 3 more times in the last 10 s/);
    await testbed.clock.tickAsync(60_000);
    assert.equal((await warnings.delivered('LockListenerWarning')).length, 3, 'no warning without new throws');
  });

  it('is reported apart from another faulty listener', async () => {
    const locks = new ResourceLockMap(1000);
    locks.subscribe(unprintable);
    locks.subscribe(() => {
      throw new Error('other bug');
    });
    await locks.withLock('A', () => {});
    const delivered = await warnings.delivered('LockListenerWarning');
    assert.equal(delivered.length, 2);
    assert.match(delivered[1], /Error: other bug/);
  });
});

import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type FakeTimers from '@sinonjs/fake-timers';
import {
  DeadlockError,
  LockTimeoutError,
  ResourceLockMap,
  runWithLockContext,
  type LockEvent,
} from '../../../extension/locks';
import { eventsOfType, gate, installClock, probe, recordEvents } from '../../support/lockTestKit';

describe('ResourceLockMap', () => {
  let clock: FakeTimers.Clock;
  beforeEach(() => {
    clock = installClock();
  });
  afterEach(() => clock.uninstall());

  describe('read and write modes', () => {
    it('lets readers share a resource and keeps a writer out until the last reader leaves', async () => {
      const locks = new ResourceLockMap(1000);
      const readersDone = [gate(), gate()];
      const readers = readersDone.map((done) => probe(locks.withLock('A', () => done.promise, { mode: 'read' })));
      const writer = probe(locks.withLock('A', () => 'wrote'));
      await clock.tickAsync(0);
      assert.deepEqual(locks.snapshot().resources[0]?.holders.map((holder) => holder.mode), ['read', 'read']);
      readersDone[0].open();
      await clock.tickAsync(0);
      assert.equal(writer.state(), 'pending');
      readersDone[1].open();
      await clock.tickAsync(0);
      assert.equal(writer.value(), 'wrote');
      assert.deepEqual(readers.map((reader) => reader.state()), ['fulfilled', 'fulfilled']);
    });

    it('does not let readers that come after a queued writer overtake it', async () => {
      const locks = new ResourceLockMap(1000);
      const order: string[] = [];
      const firstReader = gate();
      const reader1 = locks.withLock('A', () => firstReader.promise.then(() => order.push('reader 1')), { mode: 'read' });
      const writer = locks.withLock('A', () => order.push('writer'));
      const reader2 = locks.withLock('A', () => order.push('reader 2'), { mode: 'read' });
      await clock.tickAsync(0);
      assert.deepEqual(locks.snapshot().resources[0]?.waiters.map((waiter) => waiter.mode), ['write', 'read']);
      firstReader.open();
      await Promise.all([reader1, writer, reader2]);
      assert.deepEqual(order, ['reader 1', 'writer', 'reader 2']);
    });

    it('admits the readers queued behind a writer that timed out', async () => {
      const locks = new ResourceLockMap(1000);
      const reading = gate();
      void locks.withLock('A', () => reading.promise, { mode: 'read' });
      const writer = probe(locks.withLock('A', () => {}, { timeoutMs: 10 }));
      const reader = probe(locks.withLock('A', () => 'read', { mode: 'read', timeoutMs: 100 }));
      await clock.tickAsync(10);
      assert.ok(writer.error() instanceof LockTimeoutError);
      assert.equal(reader.value(), 'read');
      reading.open();
    });
  });

  describe('cleanup', () => {
    it('counts and shows only busy resources, however calls take turns on one id and move on to another', async () => {
      const locks = new ResourceLockMap(1000);
      await locks.withLock('A', () => 'a');
      assert.equal(locks.size, 0);
      assert.deepEqual(locks.snapshot().resources, []);
      const holding = gate();
      const holder = probe(locks.withLock('A', () => holding.promise));
      const waiter = probe(locks.withLock('A', () => 'second'));
      await clock.tickAsync(0);
      assert.equal(locks.size, 1);
      assert.deepEqual(locks.snapshot().resources.map(({ id, holders, waiters }) => [id, holders.length, waiters.length]), [['A', 1, 1]]);
      holding.open();
      await clock.tickAsync(0);
      assert.deepEqual([holder.state(), waiter.value()], ['fulfilled', 'second']);
      await locks.withLock('B', () => 'b');
      assert.equal(locks.size, 0);
      assert.deepEqual(locks.snapshot().resources, []);
    });
  });

  describe('withLocks', () => {
    it('takes resources in sorted order whatever order they are given in', async () => {
      const locks = new ResourceLockMap(1000);
      const events = recordEvents(locks);
      await locks.withLocks(['C', 'A', 'B'], () => {});
      assert.deepEqual(eventsOfType(events, 'acquired').map((event) => event.resource), ['A', 'B', 'C']);
    });

    it('is all or nothing within one timeout: on failure it releases what it took', async () => {
      const locks = new ResourceLockMap(1000);
      const holdingB = gate();
      void locks.withLock('B', () => holdingB.promise);
      const both = probe(locks.withLocks(['A', 'B'], () => 'both'));
      await clock.tickAsync(0);
      assert.deepEqual(locks.snapshot().resources.map((resource) => [resource.id, resource.holders.length, resource.waiters.length]), [
        ['B', 1, 1],
        ['A', 1, 0],
      ]);
      await clock.tickAsync(1000);
      const error = both.error();
      assert.ok(error instanceof LockTimeoutError);
      assert.deepEqual(error.resources, ['A', 'B']);
      assert.equal(error.resource, 'B');
      assert.deepEqual(locks.snapshot().resources.map((resource) => resource.id), ['B']);
      assert.equal(await locks.withLock('A', () => 'A is free', { timeoutMs: 0 }), 'A is free');
      holdingB.open();
    });

    it('counts one timeout across all its resources', async () => {
      const locks = new ResourceLockMap(1000);
      const holdingA = gate();
      const holdingB = gate();
      void locks.withLock('A', () => holdingA.promise);
      void locks.withLock('B', () => holdingB.promise);
      const both = probe(locks.withLocks(['A', 'B'], () => {}));
      await clock.tickAsync(600);
      holdingA.open();
      await clock.tickAsync(399);
      assert.equal(both.state(), 'pending');
      await clock.tickAsync(1);
      assert.equal((both.error() as LockTimeoutError).waitedMs, 1000);
      assert.equal(locks.size, 1);
      holdingB.open();
    });

    it('rejects ids that are not strings with a message saying what to pass', async () => {
      const locks = new ResourceLockMap();
      await assert.rejects(locks.withLocks('AB' as unknown as string[], () => {}), /array of resource id strings, got "AB"/);
      await assert.rejects(locks.withLocks(['A', 7 as unknown as string], () => {}), /got an array containing 7/);
      await assert.rejects(locks.withLocks([undefined as unknown as string], () => {}), /got an array containing undefined/);
      await assert.rejects(locks.withLocks({} as unknown as string[], () => {}), /got an object/);
      assert.equal(await locks.withLocks(new Set(['B', 'A']), () => 'any iterable'), 'any iterable');
      await assert.rejects(locks.withLock(undefined as unknown as string, () => {}), /resource id string, got undefined/);
    });
  });

  describe('deadlock detection', () => {
    it('refuses the request that closes an opposite-order cycle at once, names the cycle, and lets the other proceed', async () => {
      const locks = new ResourceLockMap(5000);
      const events = recordEvents(locks);
      const bothHoldFirst = gate();
      const transfer = (tool: string, requestId: number, first: string, second: string) =>
        probe(
          runWithLockContext({ owner: { tool, requestId } }, () =>
            locks.withLock(first, async () => {
              await bothHoldFirst.promise;
              return locks.withLock(second, () => `${tool} done`);
            }),
          ),
        );
      const ab = transfer('transferAB', 1, 'A', 'B');
      const ba = transfer('transferBA', 2, 'B', 'A');
      await clock.tickAsync(0);
      bothHoldFirst.open();
      await clock.tickAsync(0);
      assert.equal(ab.value(), 'transferAB done');
      const error = ba.error();
      assert.ok(error instanceof DeadlockError);
      assert.equal(error.code, 'E_DEADLOCK');
      assert.deepEqual(
        error.cycle.map((edge) => [edge.waiter.owner?.tool, edge.resource]),
        [['transferBA', 'A'], ['transferAB', 'B']],
      );
      assert.match(error.message, /transferBA #2 waits for 'A' held by transferAB #1, which waits for 'B'/);
      assert.equal(clock.now, 0);
      assert.equal(eventsOfType(events, 'deadlock').length, 1);
      assert.equal(locks.size, 0);
    });

    it('finds a cycle through a withLocks call that holds part of its set while it waits', async () => {
      const locks = new ResourceLockMap(5000);
      const holdingB = gate();
      const nested = probe(locks.withLock('B', async () => {
        await holdingB.promise;
        return locks.withLock('A', () => 'never');
      }));
      await clock.tickAsync(0);
      const both = probe(locks.withLocks(['A', 'B'], () => 'both'));
      await clock.tickAsync(0);
      holdingB.open();
      await clock.tickAsync(0);
      assert.ok(nested.error() instanceof DeadlockError);
      assert.equal(both.value(), 'both');
      assert.equal(locks.size, 0);
    });

    it('detects a three-chain cycle when it closes', async () => {
      const locks = new ResourceLockMap(5000);
      const allHold = gate();
      const chain = (first: string, second: string) =>
        probe(locks.withLock(first, async () => {
          await allHold.promise;
          return locks.withLock(second, () => 'ok');
        }));
      const chains = [chain('A', 'B'), chain('B', 'C'), chain('C', 'A')];
      await clock.tickAsync(0);
      allHold.open();
      await clock.tickAsync(0);
      const refused = chains.filter((candidate) => candidate.error() instanceof DeadlockError);
      assert.equal(refused.length, 1);
      assert.equal((refused[0].error() as DeadlockError).cycle.length, 3);
      assert.equal(chains.filter((candidate) => candidate.state() === 'fulfilled').length, 2);
    });

    it('does not mistake sibling calls of one chain for re-entry or deadlock', async () => {
      const locks = new ResourceLockMap(5000);
      const results = await runWithLockContext({ owner: { tool: 'batch' } }, () =>
        Promise.all([1, 2, 3].map((index) => locks.withLock('A', async () => {
          await clock.tickAsync(1);
          return index;
        }))),
      );
      assert.deepEqual(results, [1, 2, 3]);
    });
  });

  describe('events', () => {
    it('reports a lock-order inversion between two calls that never overlapped, with both call sites', async () => {
      const locks = new ResourceLockMap(1000);
      const events = recordEvents(locks);
      await runWithLockContext({ owner: { tool: 'first' } }, () => locks.withLock('X', () => locks.withLock('Y', () => {})));
      assert.equal(eventsOfType(events, 'inversion').length, 0);
      await runWithLockContext({ owner: { tool: 'second' } }, () => locks.withLock('Y', () => locks.withLock('X', () => {})));
      const [inversion] = eventsOfType(events, 'inversion');
      assert.deepEqual([inversion.earlier.first, inversion.earlier.second, inversion.earlier.owner?.tool], ['X', 'Y', 'first']);
      assert.deepEqual([inversion.later.first, inversion.later.second, inversion.later.owner?.tool], ['Y', 'X', 'second']);
      assert.match(inversion.earlier.location ?? '', /resourceLockMap\.test\.ts:\d+:\d+$/);
      assert.match(inversion.later.location ?? '', /resourceLockMap\.test\.ts:\d+:\d+$/);
      await locks.withLock('Y', () => locks.withLock('X', () => {}));
      assert.equal(eventsOfType(events, 'inversion').length, 1, 'an inversion is reported once');
    });

    it('treats withLocks sets as ordered pairs too', async () => {
      const locks = new ResourceLockMap(1000);
      const events = recordEvents(locks);
      await locks.withLocks(['P', 'Q'], () => {});
      await locks.withLock('Q', () => locks.withLock('P', () => {}));
      assert.equal(eventsOfType(events, 'inversion').length, 1);
    });

    it('reports a hold longer than longHoldMs once, while it is still held', async () => {
      const locks = new ResourceLockMap({ timeoutMs: 5000, longHoldMs: 100 });
      const events = recordEvents(locks);
      const slow = gate();
      const held = locks.withLock('A', () => slow.promise, { owner: { tool: 'slowCall' } });
      await clock.tickAsync(50);
      await locks.withLock('B', () => clock.tickAsync(10));
      await clock.tickAsync(39);
      assert.equal(eventsOfType(events, 'longHold').length, 0);
      await clock.tickAsync(1);
      const longHolds = eventsOfType(events, 'longHold');
      assert.deepEqual(longHolds.map((event) => [event.resource, event.heldMs, event.thresholdMs, event.owner?.tool]), [['A', 100, 100, 'slowCall']]);
      await clock.tickAsync(1000);
      assert.equal(eventsOfType(events, 'longHold').length, 1);
      slow.open();
      await held;
      // The one watchdog timer is unref'd and not re-armed once nothing is held.
      assert.equal(clock.countTimers(), 0);
    });

    it('builds no event and watches no hold without a subscriber, and stops after unsubscribe', async () => {
      const locks = new ResourceLockMap({ longHoldMs: 10 });
      await locks.withLock('A', async () => {
        await clock.tickAsync(0);
        assert.equal(clock.countTimers(), 0);
      });
      const events: LockEvent[] = [];
      const unsubscribe = locks.subscribe((event) => events.push(event));
      await locks.withLock('A', () => {});
      unsubscribe();
      await locks.withLock('A', () => clock.tickAsync(20));
      assert.equal(events.length, 3);
      assert.equal(clock.countTimers(), 0);
    });

    it('stays consistent when a listener takes a lock synchronously from inside an event', async () => {
      const locks = new ResourceLockMap(1000);
      const listenerHolds = gate();
      let listenerCall: Promise<unknown> | undefined;
      let tookLock = false;
      locks.subscribe((event) => {
        if (event.type !== 'requested' || tookLock) return;
        tookLock = true;
        listenerCall = locks.withLock('A', () => listenerHolds.promise);
      });
      const call = probe(locks.withLock('A', () => 'after the listener'));
      await clock.tickAsync(0);
      assert.equal(call.state(), 'pending');
      assert.equal(locks.snapshot().resources[0]?.waiters.length, 1);
      listenerHolds.open();
      await clock.tickAsync(0);
      assert.equal(call.value(), 'after the listener');
      await listenerCall;
      assert.equal(locks.size, 0);
    });

    it('keeps locking when a listener throws', async () => {
      const locks = new ResourceLockMap();
      const warnings: string[] = [];
      const onWarning = (warning: Error) => warnings.push(warning.message);
      process.on('warning', onWarning);
      locks.subscribe(() => {
        throw new Error('listener bug');
      });
      const seen = recordEvents(locks);
      assert.equal(await locks.withLock('A', () => 'still works'), 'still works');
      assert.equal(locks.size, 0);
      assert.equal(seen.length, 3);
      await clock.tickAsync(0);
      await new Promise((resolve) => process.nextTick(resolve));
      process.off('warning', onWarning);
      assert.match(warnings[0] ?? '', /listener threw on a 'requested' event: Error: listener bug/);
    });
  });

  describe('options', () => {
    it('accepts a bare timeout number and rejects nonsense with a clear message', async () => {
      assert.doesNotThrow(() => new ResourceLockMap(5000));
      assert.throws(() => new ResourceLockMap(-1), /timeoutMs must be a number of milliseconds from 0 to 2147483647/);
      assert.throws(() => new ResourceLockMap(2 ** 31), /about 24.8 days\), or Infinity, got 2147483648/);
      assert.throws(() => new ResourceLockMap({ longHoldMs: Number.NaN }), /longHoldMs must be/);
      assert.throws(() => new ResourceLockMap({ maxOrderPairs: 1.5 }), /maxOrderPairs must be a non-negative integer/);
      const locks = new ResourceLockMap();
      await assert.rejects(locks.withLock('A', () => {}, { mode: 'exclusive' as 'write' }), /mode must be 'read' or 'write', got "exclusive"/);
      await assert.rejects(locks.withLock('A', 'fn' as unknown as () => void), /must be a function/);
      assert.throws(() => locks.subscribe(undefined as unknown as () => void), /subscribe needs a function/);
    });

    it('waits forever with timeoutMs Infinity, without a timer', async () => {
      const locks = new ResourceLockMap({ timeoutMs: Infinity });
      const holding = gate();
      void locks.withLock('A', () => holding.promise);
      const waiter = probe(locks.withLock('A', () => 'eventually'));
      await clock.tickAsync(3_600_000);
      assert.equal(clock.countTimers(), 0);
      holding.open();
      await clock.tickAsync(0);
      assert.equal(waiter.value(), 'eventually');
    });

    it('remembers at most maxOrderPairs ordered pairs, always the most recent half', async () => {
      const locks = new ResourceLockMap({ maxOrderPairs: 4 });
      const events = recordEvents(locks);
      for (const pair of [['A', 'B'], ['C', 'D'], ['E', 'F'], ['G', 'H']]) await locks.withLocks(pair, () => {});
      // A -> B and C -> D were forgotten, so B then A is no longer an inversion; E -> F is still known.
      await locks.withLock('B', () => locks.withLock('A', () => {}));
      assert.equal(eventsOfType(events, 'inversion').length, 0);
      await locks.withLock('F', () => locks.withLock('E', () => {}));
      assert.equal(eventsOfType(events, 'inversion').length, 1);
    });
  });
});

describe('ResourceLockMap wait timers (real timers: whether one keeps the process alive)', () => {
  const liveTimeouts = () => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;

  it('keeps the process alive while a call waits, and no longer once the waits are served', async () => {
    const locks = new ResourceLockMap({ timeoutMs: 60_000 });
    const before = liveTimeouts();
    for (let round = 0; round < 3; round++) {
      const holding = gate();
      const holder = locks.withLock('A', () => holding.promise);
      const waiter = locks.withLock('A', () => 'served');
      assert.equal(liveTimeouts(), before + 1, `round ${round}: the waiter's timeout must keep the process alive`);
      holding.open();
      assert.deepEqual(await Promise.all([holder, waiter]), [undefined, 'served']);
      assert.equal(liveTimeouts(), before, `round ${round}: a served wait must leave no timer that keeps the process alive`);
    }
  });
});

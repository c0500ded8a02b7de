// One contract every lock map and every way of taking a lock must honour (like async-mutex's mutexSuite(factory)):
// test/unit/locks runs it on the in-process map, test/replicas on the Redis one.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type FakeTimers from '@sinonjs/fake-timers';
import {
  LockAbortedError,
  LockReentrantError,
  LockTimeoutError,
  runWithLockContext,
  type LockCallOptions,
  type LockMode,
  type ResourceLockMap,
} from '../../extension/locks';
import { eventsOfType, gate, probe, recordEvents } from './lockTestKit';

/** What the contract uses of a lock map. */
export type ContractLockMap = Pick<ResourceLockMap, 'withLock' | 'withLocks' | 'snapshot' | 'subscribe' | 'size'>;

/** A lock map implementation under the contract, and how its tests drive time. */
export interface LockBackend {
  readonly name: string;
  /** A fresh, empty lock map with this default timeout (and long-hold threshold, when given). */
  create(options: { readonly timeoutMs: number; readonly longHoldMs?: number }): Promise<ContractLockMap>;
  /** Ends what `create` made. */
  dispose(locks: ContractLockMap): Promise<void>;
  /** Fake timers for one test, installed after `create`. */
  installClock(): FakeTimers.Clock;
  /** Lets the map finish its own I/O after the clock moved (nothing for the in-process map). */
  settle(locks: ContractLockMap, clock: FakeTimers.Clock): Promise<void>;
  /** Timers the map keeps while anything is held or waited for (the Redis map renews leases on one timer). */
  readonly timersWhileBusy: number;
  /** Timers a wait that ended leaves behind until its timeout has passed (the in-process map keeps one per timeout, unref'd, for the next waiter). */
  readonly idleWaitTimers: number;
}

/** One way of taking resource `id`: the suite runs every test through it. */
interface LockFlavour {
  readonly name: string;
  readonly mode: LockMode;
  /** Every resource the flavour takes for `id`. */
  readonly resources: (id: string) => string[];
  readonly lock: <T>(locks: ContractLockMap, id: string, fn: () => T | Promise<T>, options?: LockCallOptions) => Promise<T>;
}

const flavours: LockFlavour[] = [
  { name: 'withLock (write)', mode: 'write', resources: (id) => [id], lock: (locks, id, fn, options) => locks.withLock(id, fn, options) },
  {
    name: 'withLock (read)',
    mode: 'read',
    resources: (id) => [id],
    lock: (locks, id, fn, options) => locks.withLock(id, fn, { ...options, mode: 'read' }),
  },
  { name: 'withLocks of one id', mode: 'write', resources: (id) => [id], lock: (locks, id, fn, options) => locks.withLocks([id], fn, options) },
  {
    name: 'withLocks of the same id twice',
    mode: 'write',
    resources: (id) => [id],
    lock: (locks, id, fn, options) => locks.withLocks([id, id], fn, options),
  },
  {
    name: 'withLocks of the id and a free one',
    mode: 'write',
    resources: (id) => [`${id}/free`, id].sort(),
    lock: (locks, id, fn, options) => locks.withLocks([`${id}/free`, id], fn, options),
  },
  {
    name: 'withLock inside runWithLockContext',
    mode: 'write',
    resources: (id) => [id],
    lock: (locks, id, fn, options) => runWithLockContext({ owner: { label: 'context' } }, () => locks.withLock(id, fn, options)),
  },
];

/** Runs every contract case, for every flavour of taking a lock, against the lock maps `backend` makes. */
export function lockContractSuite(backend: LockBackend): void {
  for (const flavour of flavours) flavourSuite(backend, flavour);
  warningEventSuite(backend);
}

/** The warning events every backend reports from the same shared watchers: long holds and lock-order inversions. */
function warningEventSuite(backend: LockBackend): void {
  describe(`lock contract (${backend.name}): warning events`, () => {
    let clock: FakeTimers.Clock;
    let locks: ContractLockMap;
    const advance = async (ms: number) => {
      await clock.tickAsync(ms);
      await backend.settle(locks, clock);
    };

    beforeEach(async () => {
      locks = await backend.create({ timeoutMs: 1000, longHoldMs: 100 });
      clock = backend.installClock();
    });
    afterEach(async () => {
      clock.uninstall();
      await backend.dispose(locks);
    });

    it('reports a hold longer than longHoldMs once, while it is still held, with its owner', async () => {
      const events = recordEvents(locks);
      const slow = gate();
      const held = probe(locks.withLock('A', () => slow.promise, { owner: { tool: 'slowCall', requestId: 4 } }));
      await advance(0);
      const quick = probe(locks.withLock('B', () => 'quick'));
      await advance(99);
      assert.equal(quick.value(), 'quick');
      assert.equal(eventsOfType(events, 'longHold').length, 0);
      await advance(1);
      const longHolds = eventsOfType(events, 'longHold');
      assert.deepEqual(longHolds.map((event) => [event.resource, event.thresholdMs, event.owner?.tool, event.mode]), [['A', 100, 'slowCall', 'write']]);
      assert.ok(longHolds[0]!.heldMs >= 100 && longHolds[0]!.heldMs < 110, `held ${longHolds[0]!.heldMs} ms at the threshold`);
      await advance(1000);
      assert.equal(eventsOfType(events, 'longHold').length, 1, 'once per hold');
      slow.open();
      await advance(0);
      assert.equal(held.state(), 'fulfilled');
    });

    it('names the call a hold awaited once its resource has held long before (slowCall), with its share of the hold', async () => {
      const events = recordEvents(locks);
      const awaitSlowStore = () => new Promise((resolve) => setTimeout(resolve, 300));
      for (const requestId of [1, 2]) {
        const held = probe(locks.withLock('A', async () => { await awaitSlowStore(); }, { owner: { tool: 'save', requestId } }));
        await advance(0);
        await advance(300);
        await advance(0);
        assert.equal(held.state(), 'fulfilled');
      }
      const [first, second] = eventsOfType(events, 'longHold');
      assert.equal(first?.slowCall, undefined);
      assert.match(second?.slowCall?.location ?? '', /lockContractSuite\.ts:\d+:\d+$/);
      assert.match(second?.slowCall?.frames[0] ?? '', /^awaitSlowStore \(/);
      assert.ok((second?.slowCall?.awaitedMs ?? 0) >= 50, JSON.stringify(second));
    });

    it('reports a lock-order inversion between two calls that never overlapped, with both call sites', async () => {
      const events = recordEvents(locks);
      await runWithLockContext({ owner: { tool: 'first' } }, () => locks.withLock('X', () => locks.withLock('Y', () => {})));
      assert.equal(eventsOfType(events, 'inversion').length, 0);
      await runWithLockContext({ owner: { tool: 'second' } }, () => locks.withLock('Y', () => locks.withLock('X', () => {})));
      const inversions = eventsOfType(events, 'inversion');
      assert.equal(inversions.length, 1);
      const [{ earlier, later }] = inversions as [(typeof inversions)[number]];
      assert.deepEqual([earlier.first, earlier.second, earlier.owner?.tool], ['X', 'Y', 'first']);
      assert.deepEqual([later.first, later.second, later.owner?.tool], ['Y', 'X', 'second']);
      assert.match(earlier.location ?? '', /lockContractSuite\.ts:\d+:\d+$/);
      assert.match(later.location ?? '', /lockContractSuite\.ts:\d+:\d+$/);
      await locks.withLocks(['X', 'Y'], () => {});
      await locks.withLock('Y', () => locks.withLock('X', () => {}));
      assert.equal(eventsOfType(events, 'inversion').length, 1, 'an inversion is reported once');
    });
  });
}

function flavourSuite(backend: LockBackend, flavour: LockFlavour): void {
  describe(`lock contract (${backend.name}): ${flavour.name}`, () => {
    let clock: FakeTimers.Clock;
    let locks: ContractLockMap;
    /** Moves the fake clock, then lets the map's own I/O (Redis round trips) finish. */
    const advance = async (ms: number) => {
      await clock.tickAsync(ms);
      await backend.settle(locks, clock);
    };
    const lock = <T>(fn: () => T | Promise<T>, options?: LockCallOptions, id = 'A'): Promise<T> => flavour.lock(locks, id, fn, options);
    /** A writer that holds `id` until its gate opens. */
    const holdWrite = (id = 'A') => {
      const release = gate();
      const held = probe(locks.withLock(id, () => release.promise, { owner: { tool: 'holder', requestId: 1 } }));
      return { release: () => release.open(), held };
    };

    beforeEach(async () => {
      locks = await backend.create({ timeoutMs: 1000 });
      clock = backend.installClock();
    });
    afterEach(async () => {
      clock.uninstall();
      await backend.dispose(locks);
    });

    it('returns what fn returns, sync or async, and leaves no entry', async () => {
      assert.equal(await lock(() => 42), 42);
      assert.equal(await lock(async () => 'async'), 'async');
      assert.equal(locks.size, 0);
    });

    it('passes fn’s rejection through unchanged and releases', async () => {
      const failure = new Error('handler failed');
      await assert.rejects(lock(async () => Promise.reject(failure)), (error) => error === failure);
      const next = probe(lock(() => 'next'));
      await advance(0);
      assert.equal(next.value(), 'next');
      assert.equal(locks.size, 0);
    });

    it('releases when fn throws synchronously', async () => {
      const failure = new TypeError('sync');
      await assert.rejects(lock(() => { throw failure; }), (error) => error === failure);
      assert.equal(locks.size, 0);
      assert.equal(await lock(() => 'next'), 'next');
    });

    it('waits while a writer holds the resource and runs once it lets go', async () => {
      const holder = holdWrite();
      let ran = false;
      const waiter = probe(lock(() => { ran = true; return 'served'; }));
      await advance(500);
      assert.equal(ran, false);
      holder.release();
      await advance(0);
      assert.equal(waiter.value(), 'served');
      assert.equal(locks.size, 0);
    });

    it('times out with E_LOCK_TIMEOUT, leaves the queue at once and never acquires later', async () => {
      const holder = holdWrite();
      let ran = false;
      const waiter = probe(lock(() => { ran = true; }));
      await advance(999);
      assert.equal(waiter.state(), 'pending');
      await advance(1);
      const error = waiter.error();
      assert.ok(error instanceof LockTimeoutError);
      assert.equal(error.code, 'E_LOCK_TIMEOUT');
      assert.equal(error.resource, 'A');
      assert.equal(error.waitedMs, 1000);
      assert.deepEqual(error.holders.map((holder) => holder.owner), [{ tool: 'holder', requestId: 1 }]);
      assert.match(error.message, /1 s.*'A'.*held by holder #1.*timeoutMs/s);
      assert.deepEqual(locks.snapshot().resources.map((resource) => resource.waiters.length), [0]);
      holder.release();
      await advance(0);
      assert.equal(ran, false);
      assert.equal(locks.size, 0);
      assert.equal(clock.countTimers(), 0);
    });

    it('takes the per-call timeoutMs over the map’s', async () => {
      holdWrite();
      const waiter = probe(lock(() => {}, { timeoutMs: 50 }));
      await advance(50);
      assert.ok(waiter.error() instanceof LockTimeoutError);
    });

    it('with timeoutMs 0 fails at once when busy and runs at once when free', async () => {
      assert.equal(await lock(() => 'free', { timeoutMs: 0 }), 'free');
      holdWrite();
      const waiter = probe(lock(() => {}, { timeoutMs: 0 }));
      await advance(0);
      assert.ok(waiter.error() instanceof LockTimeoutError);
      assert.equal(clock.countTimers(), backend.timersWhileBusy);
    });

    it('stops waiting with E_LOCK_ABORTED when its signal aborts, and leaves the queue', async () => {
      const holder = holdWrite();
      const controller = new AbortController();
      const waiter = probe(lock(() => 'ran', { signal: controller.signal }));
      await advance(10);
      controller.abort(new Error('client cancelled'));
      await advance(0);
      const error = waiter.error();
      assert.ok(error instanceof LockAbortedError);
      assert.equal(error.code, 'E_LOCK_ABORTED');
      assert.equal(error.reason, 'client cancelled');
      assert.equal(error.waitedMs, 10);
      assert.equal(clock.countTimers(), backend.timersWhileBusy + backend.idleWaitTimers);
      holder.release();
      await advance(0);
      assert.equal(holder.held.state(), 'fulfilled');
      assert.equal(locks.size, 0);
    });

    it('rejects at once, without running fn, when its signal is already aborted', async () => {
      let ran = false;
      await assert.rejects(lock(() => { ran = true; }, { signal: AbortSignal.abort() }), LockAbortedError);
      assert.equal(ran, false);
      assert.equal(locks.size, 0);
    });

    it('is cancelled by the signal of the enclosing runWithLockContext', async () => {
      holdWrite();
      const controller = new AbortController();
      const waiter = probe(runWithLockContext({ signal: controller.signal }, () => lock(() => {})));
      await advance(1);
      controller.abort();
      await advance(0);
      assert.ok(waiter.error() instanceof LockAbortedError);
    });

    it('serves waiters first come, first served', async () => {
      const holder = holdWrite();
      const served: number[] = [];
      const waiters = [1, 2, 3].map((index) => lock(() => { served.push(index); }));
      await advance(1);
      holder.release();
      await Promise.all(waiters);
      assert.deepEqual(served, [1, 2, 3]);
    });

    it('arms no timer when uncontended, and none is left once a served wait’s timeout has passed', async () => {
      await lock(async () => {
        assert.equal(clock.countTimers(), backend.timersWhileBusy);
      });
      const holder = holdWrite();
      const waiter = probe(lock(() => {}));
      await advance(0);
      assert.equal(clock.countTimers(), backend.timersWhileBusy + 1);
      holder.release();
      await advance(0);
      assert.equal(waiter.state(), 'fulfilled');
      assert.equal(clock.countTimers(), backend.idleWaitTimers);
      await advance(1000);
      assert.equal(clock.countTimers(), 0);
    });

    it('fails at once with E_LOCK_REENTRANT when the chain asks again for what it holds', async () => {
      const nested = probe(lock(() => lock(() => 'never')));
      await advance(0);
      const error = nested.error();
      assert.ok(error instanceof LockReentrantError);
      assert.equal(error.code, 'E_LOCK_REENTRANT');
      assert.match(error.message, /'A'.*already held by this call chain/);
      assert.equal(locks.size, 0);
    });

    it('reports requested, acquired and released per resource, in seq order, with owner and mode', async () => {
      const events = recordEvents(locks);
      const owner = { tool: 'deposit', requestId: 'r-7' };
      await lock(() => clock.tickAsync(30), { owner });
      const resources = flavour.resources('A');
      assert.deepEqual(
        events.map((event) => [event.type, 'resource' in event ? event.resource : undefined]),
        [
          ...resources.flatMap((id) => [['requested', id], ['acquired', id]]),
          ...[...resources].reverse().map((id) => ['released', id]),
        ],
      );
      assert.deepEqual(events.map((event) => event.seq), events.map((_, index) => index + 1));
      assert.ok(events.every((event) => event.owner === owner && 'mode' in event && event.mode === flavour.mode));
      assert.equal(eventsOfType(events, 'released').at(-1)?.heldMs, 30);
      assert.equal(new Set(events.map((event) => event.chainId)).size, 1);
    });

    it('shows holders and queued waiters with their owners in snapshots', async () => {
      const holder = holdWrite();
      const owners = [{ tool: 'w', requestId: 2 }, { tool: 'w', requestId: 3 }];
      const waiters = owners.map((owner) => lock(() => {}, { owner }));
      await advance(5);
      const resource = locks.snapshot().resources.find((candidate) => candidate.id === 'A');
      assert.deepEqual(resource?.holders.map((party) => [party.owner, party.mode]), [[{ tool: 'holder', requestId: 1 }, 'write']]);
      assert.deepEqual(resource?.waiters.map((party) => [party.owner, party.mode]), owners.map((owner) => [owner, flavour.mode]));
      assert.equal((locks.snapshot().atMs - (resource?.waiters[0]?.sinceMs ?? 0)), 5);
      holder.release();
      await Promise.all(waiters);
      assert.deepEqual(locks.snapshot().resources, []);
    });

    it('removes every entry after calls on many distinct keys', async () => {
      for (let key = 0; key < 2000; key++) await lock(() => key, undefined, `key:${key}`);
      assert.equal(locks.size, 0);
    });
  });
}

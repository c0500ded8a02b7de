// Property tests: random operations under random interleavings (fast-check's scheduler decides which pending
// step runs next). With no timeouts, a deadlock the map failed to detect would leave a call pending forever.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { LockError, ResourceLockMap, runWithLockContext, type LockMode } from '../../../extension/locks';
import { probe } from '../../support/lockTestKit';

const ACCOUNTS = ['acct:0', 'acct:1', 'acct:2', 'acct:3'];
const OPENING_BALANCE = 100;

type Operation =
  | { readonly kind: 'transfer'; readonly from: number; readonly to: number; readonly amount: number; readonly nested: boolean; readonly cancel: boolean }
  | { readonly kind: 'audit'; readonly cancel: boolean }
  | { readonly kind: 'touch'; readonly accounts: number[]; readonly mode: LockMode; readonly cancel: boolean };

const account = fc.integer({ min: 0, max: ACCOUNTS.length - 1 });
const operation: fc.Arbitrary<Operation> = fc.oneof(
  fc.record({ kind: fc.constant('transfer' as const), from: account, to: account, amount: fc.integer({ min: 1, max: 30 }), nested: fc.boolean(), cancel: fc.boolean() }),
  fc.record({ kind: fc.constant('audit' as const), cancel: fc.boolean() }),
  fc.record({ kind: fc.constant('touch' as const), accounts: fc.array(account, { minLength: 1, maxLength: 3 }), mode: fc.constantFrom<LockMode>('read', 'write'), cancel: fc.boolean() }),
);

/** Who is inside each account's critical section right now; throws when exclusion is broken. */
class Occupancy {
  private readonly writers = new Map<string, number>();
  private readonly readers = new Map<string, number>();

  enter(id: string, mode: LockMode): void {
    const writers = this.writers.get(id) ?? 0;
    const readers = this.readers.get(id) ?? 0;
    if (writers !== 0 || (mode === 'write' && readers !== 0)) {
      throw new Error(`exclusion broken on ${id}: ${mode} entered with ${writers} writer(s) and ${readers} reader(s) inside`);
    }
    (mode === 'write' ? this.writers : this.readers).set(id, (mode === 'write' ? writers : readers) + 1);
  }

  leave(id: string, mode: LockMode): void {
    const counts = mode === 'write' ? this.writers : this.readers;
    counts.set(id, (counts.get(id) ?? 0) - 1);
  }
}

describe('ResourceLockMap properties', () => {
  it('conserves money, excludes writers, settles every call and leaves no entry, under any interleaving', async () => {
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), fc.array(operation, { minLength: 1, maxLength: 12 }), async (scheduler, operations) => {
        const locks = new ResourceLockMap({ timeoutMs: Infinity });
        const balances = new Map(ACCOUNTS.map((id) => [id, OPENING_BALANCE]));
        const total = () => [...balances.values()].reduce((sum, value) => sum + value, 0);
        const occupancy = new Occupancy();
        const step = (label: string) => scheduler.schedule(Promise.resolve(), label);
        const inside = async <T>(ids: string[], mode: LockMode, work: () => Promise<T>): Promise<T> => {
          for (const id of ids) occupancy.enter(id, mode);
          try {
            return await work();
          } finally {
            for (const id of ids) occupancy.leave(id, mode);
          }
        };

        const run = (op: Operation, index: number): Promise<unknown> => {
          const controller = new AbortController();
          if (op.cancel) void step(`cancel #${index}`).then(() => controller.abort());
          const owner = { tool: op.kind, requestId: index };
          return runWithLockContext({ owner, signal: controller.signal }, async () => {
            if (op.kind === 'transfer') {
              const [from, to] = [ACCOUNTS[op.from], ACCOUNTS[op.to]];
              const move = () =>
                inside([...new Set([from, to])], 'write', async () => {
                  const fromBalance = balances.get(from) ?? 0;
                  await step(`transfer #${index} read`);
                  balances.set(from, fromBalance - op.amount);
                  balances.set(to, (balances.get(to) ?? 0) + op.amount);
                });
              // Nested takes `from` then `to` (opposite orders across calls: deadlocks to detect, and A->A re-entry).
              if (!op.nested) return locks.withLocks([from, to], move);
              return locks.withLock(from, async () => {
                await step(`transfer #${index} between locks`);
                return locks.withLock(to, move);
              });
            }
            if (op.kind === 'audit') {
              return locks.withLocks(ACCOUNTS, () => inside(ACCOUNTS, 'read', async () => {
                await step(`audit #${index}`);
                assert.equal(total(), OPENING_BALANCE * ACCOUNTS.length, 'an audit saw money in flight');
              }), { mode: 'read' });
            }
            const ids = [...new Set(op.accounts.map((id) => ACCOUNTS[id]))];
            return locks.withLocks(ids, () => inside(ids, op.mode, () => step(`touch #${index}`)), { mode: op.mode });
          });
        };

        const calls = operations.map((op, index) => probe(scheduler.schedule(Promise.resolve(), `start #${index}`).then(() => run(op, index))));
        // setImmediate lets the continuations of the last released step run before looking again.
        do {
          await scheduler.waitAll();
          await new Promise((resolve) => setImmediate(resolve));
        } while (scheduler.count() > 0);

        assert.deepEqual(calls.map((call) => call.state()).filter((state) => state === 'pending'), [], 'every call settles');
        for (const call of calls) {
          const error = call.error();
          if (call.state() === 'rejected') {
            assert.ok(error instanceof LockError, `only lock errors, got ${String(error)}`);
            assert.ok(['E_DEADLOCK', 'E_LOCK_REENTRANT', 'E_LOCK_ABORTED'].includes(error.code), error.message);
          }
        }
        assert.equal(total(), OPENING_BALANCE * ACCOUNTS.length, 'money is conserved');
        assert.equal(locks.size, 0, 'no entry is left');
        assert.deepEqual(locks.snapshot().resources, []);
      }),
      { numRuns: 1000, includeErrorInReport: true },
    );
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import FakeTimers from '@sinonjs/fake-timers';
import { describeOwner } from '../../../extension/contract/describe';
import { REPLICAS_SOURCE_ID, type ModelChange, type ResourceView } from '../../../extension/contract/inspectorSnapshot';
import { InspectorModel } from '../../../extension/inspector/inspectorModel';
import type { Clock } from '../../../extension/inspector/throttle';
import { LockEventFactory } from '../../support/lockEvents';

const T0 = 1_000_000;
const LEASE_MS = 3000;

/** A model on a fake clock with two replicas, r1 and r2, reporting, both with a 3 s Redis lease. */
function twoReplicas() {
  const fake = FakeTimers.createClock(T0);
  const clock: Clock = { now: () => fake.now, setTimeout: (callback, delayMs) => fake.setTimeout(callback, delayMs), clearTimeout: (handle) => fake.clearTimeout(handle as FakeTimers.TimerId) };
  const model = new InspectorModel({ clock, notifyIntervalMs: 10 });
  for (const replica of ['r1', 'r2']) model.addSource({ id: replica, label: `replica '${replica}'`, kind: 'external', pid: 100, connectedAtMs: T0, replica, leaseMs: LEASE_MS });
  const make = new LockEventFactory();
  // Chain ids are per process: both replicas have a chain 1.
  model.ingest('r1', [make.requested('account:alice', 1, T0, { tool: 'transfer', requestId: 1 }), make.acquired('account:alice', 1, T0, 0, { tool: 'transfer', requestId: 1 })]);
  model.ingest('r2', [make.requested('account:alice', 1, T0 + 10, { tool: 'audit', requestId: 7 }, 'write', 1)]);
  model.ingest('r1', [make.requested('account:alice', 2, T0 + 20, { tool: 'deposit', requestId: 2 }, 'write', 2)]);
  return { fake, model, make };
}

function alice(model: InspectorModel): ResourceView {
  const rows = model.snapshot().resources.filter((resource) => resource.id === 'account:alice');
  assert.equal(rows.length, 1, 'one row for the resource, whichever replica reported it');
  return rows[0]!;
}

const names = (parties: ResourceView['holders']) => parties.map((party) => describeOwner(party.owner, party.chainId));

describe('one inspector over every replica', () => {
  it('merges the replicas into one row per resource: holders and waiters of any replica, in the order they asked, each naming its replica', () => {
    const { model } = twoReplicas();
    const row = alice(model);
    assert.equal(row.sourceId, REPLICAS_SOURCE_ID);
    assert.deepEqual(row.replicas, ['r1', 'r2']);
    assert.deepEqual(names(row.holders), ["transfer #1 on replica 'r1'"]);
    assert.deepEqual(names(row.waiters), ["audit #7 on replica 'r2'", "deposit #2 on replica 'r1'"]);
    assert.deepEqual([model.snapshot().totals.held, model.snapshot().totals.waiting], [1, 2]);
  });

  it('adds up the figures of every replica on the resource, and names the replica in warnings', () => {
    const { model, make } = twoReplicas();
    model.ingest('r2', [make.timeout('account:alice', 1, T0 + 5000, 4990, { tool: 'audit', requestId: 7 })]);
    model.ingest('r1', [make.longHold('account:alice', 1, T0 + 6000, 6000, { tool: 'transfer', requestId: 1 })]);
    const row = alice(model);
    assert.equal(row.timeouts, 1);
    const longHold = model.snapshot().warnings.find((warning) => warning.kind === 'longHold');
    assert.match(longHold?.message ?? '', /transfer #1 on replica 'r1'/);
  });

  it('warns when a holder on a replica lost its lease, naming the replica', () => {
    const { model } = twoReplicas();
    model.ingest('r1', [{ type: 'leaseLost', seq: 99, atMs: T0 + 4000, chainId: 1, owner: { tool: 'transfer', requestId: 1 }, resource: 'account:alice', mode: 'write', heldMs: 4000, leaseMs: LEASE_MS, fencingToken: 12 }]);
    const [warning] = model.snapshot().warnings;
    assert.equal(warning?.kind, 'leaseLost');
    assert.match(warning?.message ?? '', /^Lease lost: transfer #1 on replica 'r1' held 'account:alice' for 4 s without renewing its 3 s lease/);
  });

  it('keeps a gone replica\'s hold while its lease runs out, then hands the resource to the next holder', () => {
    const { fake, model, make } = twoReplicas();
    fake.tick(1000);
    model.disconnectSource('r1');
    let row = alice(model);
    assert.deepEqual(names(row.holders), ["transfer #1 on replica 'r1'"], 'the hold is still in Redis');
    assert.equal(row.holders[0]?.leaseEndsByMs, T0 + 1000 + LEASE_MS);
    assert.deepEqual(names(row.waiters), ["audit #7 on replica 'r2'"], "the gone replica's own waiter is gone with it");
    fake.tick(2000);
    model.ingest('r2', [make.acquired('account:alice', 1, fake.now, 2990, { tool: 'audit', requestId: 7 })]);
    row = alice(model);
    assert.deepEqual(names(row.holders), ["audit #7 on replica 'r2'"], 'the next holder got it: the lease had run out');
    assert.equal(row.holders[0]?.leaseEndsByMs, undefined);
  });

  it('ends a gone replica\'s hold when its lease has run out, and tells listeners then', () => {
    const { fake, model } = twoReplicas();
    const changes: ModelChange[] = [];
    model.subscribe((change) => changes.push(change));
    model.disconnectSource('r1');
    fake.tick(LEASE_MS - 1);
    assert.equal(alice(model).holders.length, 1);
    const before = changes.length;
    fake.tick(50);
    assert.ok(changes.length > before, 'a change is delivered when the lease runs out');
    assert.deepEqual(changes.at(-1)?.snapshot.resources.find((resource) => resource.id === 'account:alice')?.holders, []);
    assert.equal(model.snapshot().totals.held, 0);
  });

  it('shows what a Redis reading adds (replicas that do not report) without counting reported parties twice', () => {
    const { model } = twoReplicas();
    model.addSource({ id: 'redis', label: 'Redis', kind: 'redis', pid: 0, connectedAtMs: T0 });
    model.applySnapshot('redis', {
      atMs: T0 + 30,
      resources: [
        { id: 'account:alice', holders: [{ chainId: 1, owner: { tool: 'transfer', requestId: 1, replica: 'r1' }, mode: 'write', sinceMs: T0 }], waiters: [{ chainId: 4, owner: { tool: 'refund', requestId: 9, replica: 'r3' }, mode: 'write', sinceMs: T0 + 25 }] },
        { id: 'account:bob', holders: [{ chainId: 3, owner: { tool: 'transfer', requestId: 5, replica: 'r3' }, mode: 'write', sinceMs: T0 + 5 }], waiters: [] },
        // Read before r2 said it released carol: a replica that reports is believed over a reading of Redis.
        { id: 'account:carol', holders: [{ chainId: 8, owner: { tool: 'transfer', requestId: 8, replica: 'r2' }, mode: 'write', sinceMs: T0 + 1 }], waiters: [] },
      ],
    });
    const row = alice(model);
    assert.deepEqual(names(row.holders), ["transfer #1 on replica 'r1'"], 'the reported hold, once');
    assert.deepEqual(names(row.waiters), ["audit #7 on replica 'r2'", "deposit #2 on replica 'r1'", "refund #9 on replica 'r3'"]);
    const bob = model.snapshot().resources.find((resource) => resource.id === 'account:bob');
    assert.deepEqual(names(bob?.holders ?? []), ["transfer #5 on replica 'r3'"], 'a replica that does not report is still visible');
    assert.equal(model.snapshot().resources.find((resource) => resource.id === 'account:carol')?.holders.length ?? 0, 0);
    assert.equal(model.snapshot().totals.held, 2);
  });

  it('shows a gone replica\'s hold once when Redis still has it too', () => {
    const { model } = twoReplicas();
    model.addSource({ id: 'redis', label: 'Redis', kind: 'redis', pid: 0, connectedAtMs: T0 });
    model.disconnectSource('r1');
    model.applySnapshot('redis', { atMs: T0 + 30, resources: [{ id: 'account:alice', holders: [{ chainId: 1, owner: { tool: 'transfer', requestId: 1, replica: 'r1' }, mode: 'write', sinceMs: T0 }], waiters: [] }] });
    assert.deepEqual(names(alice(model).holders), ["transfer #1 on replica 'r1'"]);
  });

  it('keeps resources of servers that are not replicas apart', () => {
    const model = new InspectorModel();
    const make = new LockEventFactory();
    for (const id of ['a', 'b']) {
      model.addSource({ id, label: id, kind: 'launched', pid: 1, connectedAtMs: T0 });
      model.ingest(id, [make.requested('account:alice', 1, T0), make.acquired('account:alice', 1, T0, 0)]);
    }
    assert.deepEqual(model.snapshot().resources.map((resource) => resource.sourceId).sort(), ['a', 'b']);
  });
});

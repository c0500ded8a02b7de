import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import FakeTimers from '@sinonjs/fake-timers';
import { describeOwner } from '../../../extension/contract/describe';
import type { InspectorSnapshot, ResourceView } from '../../../extension/contract/inspectorSnapshot';
import { InspectorModel } from '../../../extension/inspector/inspectorModel';
import { readRecording, recordingOf, writeRecording } from '../../../extension/inspector/recording';
import { replayRecording } from '../../../extension/inspector/replayRecording';
import { ShownModel } from '../../../extension/inspector/shownModel';
import type { Clock } from '../../../extension/inspector/throttle';
import { LockEventFactory } from '../../support/lockEvents';

const START_MS = 1_700_000_000_000;
const LEASE_MS = 2000;
const at = (offsetMs: number) => START_MS + offsetMs;

/**
 * Two replicas on a fake clock. r1's transfer #1 holds account:alice from +0; r2's audit #7 (+10) then r1's deposit
 * #2 (+20) queue behind it; r2's refund #8 and r1's deposit #2 close a wait-for cycle over account:bob at +30 (a
 * deadlock, averted); r1 dies at +500 still holding alice; its lease runs out by +2500; r2's audit #7 gets alice at
 * +1500, when Redis let it go.
 */
function replicatedSession(): InspectorModel {
  const fake = FakeTimers.createClock(START_MS);
  const clock: Clock = { now: () => fake.now, setTimeout: (callback, delayMs) => fake.setTimeout(callback, delayMs), clearTimeout: (handle) => fake.clearTimeout(handle as FakeTimers.TimerId) };
  const model = new InspectorModel({ clock });
  const make = new LockEventFactory();
  for (const replica of ['r1', 'r2']) model.addSource({ id: replica, label: `replica '${replica}'`, kind: 'external', pid: 1, connectedAtMs: START_MS, replica, leaseMs: LEASE_MS });
  const transfer = { tool: 'transfer', requestId: 1 };
  const audit = { tool: 'audit', requestId: 7 };
  model.ingest('r1', [make.requested('account:alice', 1, at(0), transfer), make.acquired('account:alice', 1, at(0), 0, transfer)]);
  fake.tick(10);
  model.ingest('r2', [make.requested('account:alice', 1, at(10), audit, 'write', 1)]);
  fake.tick(10);
  model.ingest('r1', [make.requested('account:alice', 2, at(20), { tool: 'deposit', requestId: 2 }, 'write', 2)]);
  fake.tick(10);
  // As RedisLockMap reports it: the other replica's call and holder name it, its own calls do not.
  const deadlock = make.deadlock('account:bob', 2, 'account:alice', 2, at(30), { tool: 'refund', requestId: 8 }, { tool: 'deposit', requestId: 2, replica: 'r1' });
  model.ingest('r2', [deadlock.type === 'deadlock' ? { ...deadlock, cycle: [{ ...deadlock.cycle[0]!, holderReplica: 'r1' }, deadlock.cycle[1]!] } : deadlock]);
  fake.tick(470);
  model.disconnectSource('r1');
  fake.tick(1000);
  model.ingest('r2', [make.acquired('account:alice', 1, at(1500), 1490, audit)]);
  fake.tick(1500);
  return model;
}

const alice = (snapshot: InspectorSnapshot): ResourceView | undefined => snapshot.resources.find((resource) => resource.id === 'account:alice');
const names = (parties: ResourceView['holders'] | undefined) => (parties ?? []).map((party) => describeOwner(party.owner, party.chainId));

describe('scrubbing a recorded session of replicas', () => {
  let folder: string;
  before(async () => {
    folder = await mkdtemp(path.join(tmpdir(), 'scrub-replicas-'));
  });
  after(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it('shows, at each chosen instant, the holders, the queue in order, the wait-for cycle and the warnings raised so far', async () => {
    const file = path.join(folder, 'replicas.lockrec');
    await writeRecording(file, recordingOf(replicatedSession()));
    const recording = await readRecording(file);
    assert.deepEqual(recording.sources.map((source) => [source.replica, source.leaseMs]), [['r1', LEASE_MS], ['r2', LEASE_MS]], 'the recording keeps who is a replica');
    const shown = new ShownModel(new InspectorModel());
    shown.show({ label: 'replicas.lockrec', snapshot: () => replayRecording(recording).snapshot(), history: () => recording.events });

    shown.scrubTo(at(25));
    const at25 = shown.snapshot();
    assert.equal(at25.stateAtMs, at(25), 'the snapshot says it is the state at the cursor');
    assert.deepEqual(names(alice(at25)?.holders), ["transfer #1 on replica 'r1'"]);
    assert.deepEqual(names(alice(at25)?.waiters), ["audit #7 on replica 'r2'", "deposit #2 on replica 'r1'"], 'the queue over both replicas, in order');
    assert.deepEqual(at25.warnings, [], 'no warning yet');

    shown.scrubTo(at(40));
    const at40 = shown.snapshot();
    const [deadlock] = at40.warnings;
    assert.equal(deadlock?.kind, 'deadlock');
    assert.deepEqual(deadlock?.kind === 'deadlock' && deadlock.cycle.map((edge) => [edge.resource, edge.waiter.owner?.replica]), [['account:bob', 'r2'], ['account:alice', 'r1']], 'the wait-for cycle across replicas');
    assert.match(deadlock?.message ?? '', /refund #8 on replica 'r2' waits for 'account:bob' held by deposit #2 on replica 'r1', which waits for 'account:alice' held by refund #8 on replica 'r2'/);

    shown.scrubTo(at(1000));
    const at1000 = shown.snapshot();
    assert.deepEqual(names(alice(at1000)?.holders), ["transfer #1 on replica 'r1'"], 'the dead replica still holds in Redis');
    assert.equal(alice(at1000)?.holders[0]?.leaseEndsByMs, at(500 + LEASE_MS));
    assert.deepEqual(names(alice(at1000)?.waiters), ["audit #7 on replica 'r2'"]);

    shown.scrubTo(at(1600));
    assert.deepEqual(names(alice(shown.snapshot())?.holders), ["audit #7 on replica 'r2'"], 'then the hand-over');

    shown.scrubTo(undefined);
    assert.equal(shown.snapshot().stateAtMs, undefined, 'without a cursor the snapshot is of now');
  });
});

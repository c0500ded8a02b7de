// The Redis lock map across replicas, against a real redis-server: other replicas are other lock maps in this
// process, or real processes (test/replicas/fixtures/lockHolderProcess.ts) that the tests kill -9 or SIGSTOP.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { DeadlockError, LockBackendError, readRedisLockState, RedisLockMap } from '../../extension/redis';
import { startRedisServer, type RunningRedisServer } from '../../tools/redisServer.mjs';
import { readLines, type LineReader } from '../support/lineReader';
import { createClient } from 'redis';

const holderScript = join(import.meta.dirname, 'fixtures', 'lockHolderProcess.ts');

describe('Redis lock map across replicas', () => {
  let redis: RunningRedisServer;
  let lastPrefix = 0;
  let prefix = '';
  const maps: RedisLockMap[] = [];
  const children: ChildProcess[] = [];
  const connect = async (replica: string, options: { timeoutMs?: number; leaseMs?: number } = {}) => {
    const map = await RedisLockMap.connect({ url: redis.url, keyPrefix: prefix, replica, ...options });
    maps.push(map);
    return map;
  };
  /** A replica process holding `resource`; resolves once it holds it, with its fencing token. */
  const startHolder = async (resource: string, leaseMs: number): Promise<{ child: ChildProcess; output: LineReader; token: number }> => {
    const child = spawn(process.execPath, ['--import', 'tsx', holderScript, redis.url, prefix, resource, String(leaseMs)], { stdio: ['pipe', 'pipe', 'inherit'] });
    children.push(child);
    const output = readLines(child.stdout!);
    const [, token] = await output.waitFor(/^held (\d+)$/);
    return { child, output, token: Number(token) };
  };

  before(async () => {
    redis = await startRedisServer();
  });
  afterEach(async () => {
    for (const child of children.splice(0)) {
      // A stopped child would ignore its closed stdin: continue it, then end it.
      child.kill('SIGCONT');
      child.kill('SIGKILL');
    }
    await Promise.all(maps.splice(0).map((map) => map.close()));
    prefix = `replicas-${++lastPrefix}:`;
  });
  after(() => redis.stop());
  prefix = `replicas-${++lastPrefix}:`;

  it('hands a resource from a replica killed with kill -9 to the next waiter within the lease + 1 s', async () => {
    const leaseMs = 1000;
    const holder = await startHolder('account:alice', leaseMs);
    const waiter = await connect('waiter', { timeoutMs: 10_000 });
    const served = waiter.withLock('account:alice', (grant) => ({ servedMs: performance.now(), token: grant.fencingToken('account:alice') }));
    await waiter.idle();
    assert.equal(waiter.snapshot().resources[0]?.waiters.length, 1, 'the waiter is queued behind the holder process');
    holder.child.kill('SIGKILL');
    const killedMs = performance.now();
    const { servedMs, token } = await served;
    assert.ok(servedMs - killedMs <= leaseMs + 1000, `served ${Math.round(servedMs - killedMs)} ms after the kill`);
    assert.ok(token > holder.token, 'the new grant has a larger fencing token');
  });

  it('skips a waiter whose lease lapsed unnoticed at the head of the queue: the release serves the live waiter behind it at once', async () => {
    const holder = await connect('holder');
    let release!: () => void;
    const holding = holder.withLock('account:dave', () => new Promise<void>((resolve) => (release = resolve)));
    await holder.idle();
    // A waiter in its own process with a long lease, killed while queued.
    const dead = spawn(process.execPath, ['--import', 'tsx', holderScript, redis.url, prefix, 'account:dave', '60000'], { stdio: ['pipe', 'pipe', 'inherit'] });
    children.push(dead);
    const client = createClient({ url: redis.url });
    await client.connect();
    try {
      const queue = `${prefix}q:account:dave`;
      while ((await client.lLen(queue)) === 0) await new Promise((resolve) => setTimeout(resolve, 20));
      dead.kill('SIGKILL');
      // Its lease gone without an expiry event (DEL sends none): only the release's own check can notice.
      const deadRequest = (await client.lIndex(queue, 0))!;
      assert.equal(await client.del(`${prefix}l:${deadRequest}:account:dave`), 1);
      const live = await connect('live', { timeoutMs: 10_000 });
      const served = live.withLock('account:dave', () => performance.now());
      await live.idle();
      const releasedMs = performance.now();
      release();
      await holding;
      // Granted to the dead waiter instead, it would wait out that waiter's 60 s lease.
      assert.ok((await served) - releasedMs < 1000, `served ${Math.round((await served) - releasedMs)} ms after the release`);
      assert.deepEqual(await client.lRange(queue, 0, -1), [], 'the dead waiter left the queue');
    } finally {
      client.destroy();
    }
  });

  it('refuses the write of a holder paused past its lease (SIGSTOP), after another replica took the lock and wrote', async () => {
    const holder = await startHolder('account:bob', 500);
    holder.child.kill('SIGSTOP');
    const other = await connect('other', { timeoutMs: 10_000 });
    await other.withLock('account:bob', async (grant) => {
      assert.ok(grant.fencingToken('account:bob') > holder.token);
      assert.equal(await other.fencedWrite({ 'account:bob': grant.fencingToken('account:bob') }, { [`${prefix}value`]: 'fresh' }), true);
    });
    holder.child.kill('SIGCONT');
    holder.child.stdin!.write('write stale\n');
    const [, written] = await holder.output.waitFor(/^written (true|false)$/);
    assert.equal(written, 'false', 'the stale holder’s write was refused');
    assert.deepEqual(await other.read([`${prefix}value`]), ['fresh']);
    await holder.output.waitFor(new RegExp(`^leaseLost ${holder.token}$`));
    await holder.output.waitFor(/^signalAborted$/);
    holder.child.stdin!.write('release\n');
    await holder.output.waitFor(/^failed E_LOCK_LEASE_LOST$/);
  });

  it('fails one call of a cross-replica opposite-order pair at once with E_DEADLOCK naming the cycle and both replicas', async () => {
    const [east, west] = [await connect('east', { timeoutMs: 10_000 }), await connect('west', { timeoutMs: 10_000 })];
    let bothHold!: () => void;
    const holding = new Promise<void>((resolve) => (bothHold = resolve));
    let held = 0;
    const holdThenTake = (map: RedisLockMap, first: string, second: string) =>
      map.withLock(first, async () => {
        if (++held === 2) bothHold();
        await holding;
        return map.withLock(second, () => `${first} then ${second}`);
      }, { owner: { tool: `move_${first}` } });
    const startMs = performance.now();
    const outcomes = await Promise.allSettled([holdThenTake(east, 'X', 'Y'), holdThenTake(west, 'Y', 'X')]);
    const failures = outcomes.filter((outcome) => outcome.status === 'rejected').map((outcome) => outcome.reason as Error);
    assert.equal(failures.length, 1, 'exactly one call of the pair fails');
    assert.ok(failures[0] instanceof DeadlockError, `failed with ${failures[0]?.message}`);
    assert.ok(performance.now() - startMs < 2000, 'detected, not ended by the 10 s timeout');
    assert.equal(failures[0].cycle.length, 2);
    assert.match(failures[0].message, /move_\w+ on replica '(east|west)' waits for '[XY]' held by move_\w+ on replica '(east|west)'/);
    assert.deepEqual(new Set(failures[0].cycle.map((edge) => edge.waiter.owner?.replica)), new Set(['east', 'west']));
    assert.equal(outcomes.filter((outcome) => outcome.status === 'fulfilled').length, 1);
  });

  it('shows every replica’s holders and waiters in one snapshot read from Redis, each party naming its replica', async () => {
    const [east, west] = [await connect('east'), await connect('west')];
    let release!: () => void;
    const holding = east.withLock('account:carol', () => new Promise<void>((resolve) => (release = resolve)), { owner: { tool: 'deposit', requestId: 1 } });
    await east.idle();
    const waiting = west.withLock('account:carol', () => 'served', { owner: { tool: 'withdraw', requestId: 2 }, mode: 'write' });
    await west.idle();
    const client = createClient({ url: redis.url });
    await client.connect();
    try {
      const { resources } = await readRedisLockState(client, prefix);
      assert.deepEqual(resources.map(({ id, holders, waiters }) => [id, holders.map((party) => party.owner), waiters.map((party) => party.owner)]), [
        ['account:carol', [{ tool: 'deposit', requestId: 1, replica: 'east' }], [{ tool: 'withdraw', requestId: 2, replica: 'west' }]],
      ]);
      const fromWest = await west.snapshotAll();
      assert.deepEqual(fromWest.resources[0]?.holders.map((party) => party.owner?.replica), ['east'], 'other replicas are named');
    } finally {
      client.destroy();
    }
    release();
    await holding;
    assert.equal(await waiting, 'served');
  });

  it('renews a hold while its work runs past several leases: no lease lost, the waiter served only after the release', async () => {
    const [east, west] = [await connect('east', { leaseMs: 200 }), await connect('west', { leaseMs: 200, timeoutMs: 10_000 })];
    const events: string[] = [];
    east.subscribe((event) => events.push(event.type));
    let releasedMs = 0;
    let release!: () => void;
    const holding = east.withLock('account:erin', (grant) => new Promise<boolean>((resolve) => (release = () => {
      releasedMs = performance.now();
      resolve(grant.signal.aborted);
    })));
    await east.idle();
    const served = west.withLock('account:erin', () => performance.now());
    // Work of five leases: the keeper renews every third of one.
    setTimeout(() => release(), 1000);
    assert.equal(await holding, false, 'the work’s signal never aborted');
    assert.ok((await served) >= releasedMs, 'the waiter was served after the release, not when a lease ran out');
    assert.deepEqual(events.filter((type) => type === 'leaseLost'), []);
  });

  it('gives fencing tokens that only grow, whichever replica is granted', async () => {
    const [east, west] = [await connect('east'), await connect('west')];
    const tokens: number[] = [];
    await Promise.all(Array.from({ length: 40 }, (_, index) => (index % 2 === 0 ? east : west).withLock('counter', (grant) => {
      tokens.push(grant.fencingToken('counter'));
    })));
    assert.equal(tokens.length, 40);
    assert.deepEqual(tokens, [...tokens].sort((a, b) => a - b));
    assert.equal(new Set(tokens).size, 40);
  });

  it('refuses bad arguments with errors that say what was wrong, before touching Redis', async () => {
    const map = await connect('checks');
    await assert.rejects(map.withLocks('account:a' as unknown as string[], () => {}), /withLocks needs an array of resource id strings, got "account:a"/);
    await assert.rejects(map.withLock(7 as unknown as string, () => {}), /withLock needs a resource id string, got 7/);
    await assert.rejects(map.withLock('a', () => {}, { mode: 'exclusive' as 'write' }), /mode must be 'read' or 'write', got "exclusive"/);
    await assert.rejects(map.withLock('a', () => {}, { timeoutMs: -1 }), /timeoutMs must be a number of milliseconds from 0/);
    await assert.rejects(map.withLock('a', 'work' as unknown as () => void), /The locked work must be a function/);
    await assert.rejects(RedisLockMap.connect({ url: redis.url, leaseMs: 5 }), /leaseMs must be a finite number of milliseconds of at least 30, got 5/);
    await assert.rejects(RedisLockMap.connect({ url: redis.url, commandTimeoutMs: 0 }), /commandTimeoutMs must be a finite number of milliseconds above 0, got 0/);
    await assert.rejects(RedisLockMap.connect({ url: 'redis://127.0.0.1:1' }), /Could not connect to Redis at redis:\/\/127\.0\.0\.1:1: .*Start redis-server/);
    assert.equal(map.size, 0);
  });

  it('fails with E_LOCK_BACKEND, saying what to check, while Redis is unreachable', async () => {
    const doomed = await startRedisServer();
    const map = await RedisLockMap.connect({ url: doomed.url, replica: 'cut-off' });
    maps.push(map);
    await doomed.stop();
    let ran = false;
    await assert.rejects(map.withLock('account:dave', () => { ran = true; }), (error: unknown) => {
      assert.ok(error instanceof LockBackendError);
      assert.equal(error.code, 'E_LOCK_BACKEND');
      assert.match(error.message, /'account:dave'.*Redis is running and reachable/s);
      return true;
    });
    assert.equal(ran, false);
  });

  it('fails with E_LOCK_BACKEND once a paused Redis (SIGSTOP) leaves a command unanswered for commandTimeoutMs', async () => {
    const paused = await startRedisServer();
    const map = await RedisLockMap.connect({ url: paused.url, replica: 'stalled', commandTimeoutMs: 300 });
    try {
      process.kill(paused.pid!, 'SIGSTOP');
      let ran = false;
      const startedMs = performance.now();
      await assert.rejects(map.withLock('account:erin', () => { ran = true; }), (error: unknown) => {
        assert.ok(error instanceof LockBackendError, String(error));
        assert.match(error.message, /'account:erin'.*Redis did not answer within 300 ms/s);
        return true;
      });
      assert.ok(performance.now() - startedMs < 5000, 'the map’s own deadline, not a socket timeout, ended the call');
      assert.equal(ran, false);
    } finally {
      process.kill(paused.pid!, 'SIGCONT');
      await map.close();
      await paused.stop();
    }
  });
});

// One inspector over every replica, against a real redis-server: replicas report over the real inspector channel
// (a real process that is killed with kill -9, and a lock map in this process), and the `redis` source reads what
// replicas that do not report hold. The model merges them; nothing is counted twice.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { describeOwner } from '../../extension/contract/describe';
import type { InspectorSnapshot, ResourceView } from '../../extension/contract/inspectorSnapshot';
import { InspectorHub } from '../../extension/inspector/inspectorHub';
import { InspectorModel } from '../../extension/inspector/inspectorModel';
import { RedisLockSource } from '../../extension/inspector/redisLockSource';
import { InspectorReporter } from '../../extension/mcp/inspectorReporter';
import { RedisLockMap } from '../../extension/redis';
import { connectRedisLockState } from '../../extension/redis/redisLockStateReader';
import { startRedisServer, type RunningRedisServer } from '../../tools/redisServer.mjs';
import { readLines } from '../support/lineReader';

const replicaScript = join(import.meta.dirname, 'fixtures', 'reportingReplica.ts');
const cliMain = join(import.meta.dirname, '..', '..', 'extension', 'cli', 'main.ts');
/** A clock whose timers never fire on their own: the tests read Redis when they choose (RedisLockSource.readNow). */
const manualClock = { now: () => Date.now(), setTimeout: () => undefined, clearTimeout: () => undefined };

describe('the inspector across replicas', () => {
  let redis: RunningRedisServer;
  let lastPrefix = 0;
  let prefix = '';
  const closers: (() => Promise<unknown> | unknown)[] = [];
  let model: InspectorModel;
  let hub: InspectorHub;

  /** Resolves with the first snapshot (the current one or one of the next changes) that `check` accepts. */
  const until = (check: (snapshot: InspectorSnapshot) => boolean, what: string, deadlineMs = 10_000): Promise<InspectorSnapshot> =>
    new Promise((resolve, reject) => {
      if (check(model.snapshot())) return resolve(model.snapshot());
      const timer = setTimeout(() => (unsubscribe(), reject(new Error(`not within ${deadlineMs} ms: ${what}`))), deadlineMs);
      const unsubscribe = model.subscribe(({ snapshot }) => {
        if (!check(snapshot)) return;
        clearTimeout(timer);
        unsubscribe();
        resolve(snapshot);
      });
    });
  const row = (snapshot: InspectorSnapshot, id: string): ResourceView | undefined => snapshot.resources.find((resource) => resource.id === id);
  const names = (parties: ResourceView['holders'] | undefined) => (parties ?? []).map((party) => describeOwner(party.owner, party.chainId));
  const connectMap = async (replica: string, options: { leaseMs?: number; timeoutMs?: number } = {}) => {
    const map = await RedisLockMap.connect({ url: redis.url, keyPrefix: prefix, replica, ...options });
    closers.push(() => map.close());
    return map;
  };
  const report = (map: RedisLockMap, label: string) => {
    const reporter = new InspectorReporter(map, { address: hub.address, token: hub.token, label });
    closers.push(() => reporter.close());
    return reporter;
  };

  before(async () => {
    redis = await startRedisServer();
  });
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
    prefix = `inspector-${++lastPrefix}:`;
  });
  after(() => redis.stop());
  prefix = `inspector-${++lastPrefix}:`;

  const open = async () => {
    model = new InspectorModel({ notifyIntervalMs: 10 });
    hub = await InspectorHub.listen({ model, logger: { info: () => undefined, warn: () => undefined } });
    closers.push(() => hub.dispose());
  };

  it('shows a replica killed with kill -9 holding a lock until its lease runs out, then the hand-over to the next replica', async () => {
    await open();
    const leaseMs = 1500;
    const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', replicaScript, redis.url, prefix, 'a', 'account:alice', String(leaseMs)], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, ...hub.envFor("replica 'a'", 'external') },
    });
    closers.push(() => child.kill('SIGKILL'));
    await readLines(child.stdout!).waitFor(/^held$/);
    const b = await connectMap('b', { timeoutMs: 10_000 });
    report(b, "replica 'b'");
    // Lock events before a reporter's first connection are not kept (its first snapshot says what they did).
    await until((snapshot) => snapshot.sources.some((source) => source.replica === 'b' && source.connected), 'b reporting');
    const served = b.withLock('account:alice', () => 'served', { owner: { tool: 'audit', requestId: 7 } });
    const queued = await until((snapshot) => row(snapshot, 'account:alice')?.waiters.length === 1, 'b queued behind a');
    assert.deepEqual(names(row(queued, 'account:alice')?.holders), ["transfer #1 on replica 'a'"]);
    assert.deepEqual(names(row(queued, 'account:alice')?.waiters), ["audit #7 on replica 'b'"], 'one row over both replicas');
    assert.deepEqual(queued.sources.map((source) => [source.replica, source.leaseMs]), [['a', leaseMs], ['b', 10_000]], 'each hello says which replica and lease');

    child.kill('SIGKILL');
    const gone = await until((snapshot) => snapshot.sources.some((source) => source.replica === 'a' && !source.connected), 'replica a gone');
    const goneHold = row(gone, 'account:alice')?.holders[0];
    assert.equal(describeOwner(goneHold?.owner), "transfer #1 on replica 'a'", 'its hold is still in Redis');
    assert.ok(goneHold?.leaseEndsByMs !== undefined && goneHold.leaseEndsByMs > Date.now(), 'and shown running out');
    assert.equal(await served, 'served');
    const handedOver = await until((snapshot) => row(snapshot, 'account:alice')?.acquisitions === 2, 'b got alice');
    assert.ok(!names(row(handedOver, 'account:alice')?.holders).includes("transfer #1 on replica 'a'"), "a's hold is over once b got the resource");
  });

  it('reads what replicas that do not report hold from Redis, without counting the reported ones twice', async () => {
    await open();
    const a = await connectMap('a');
    const quiet = await connectMap('quiet');
    report(a, "replica 'a'");
    let releaseA!: () => void;
    let releaseQuiet!: () => void;
    const heldByA = a.withLock('account:alice', () => new Promise<void>((resolve) => (releaseA = resolve)), { owner: { tool: 'transfer', requestId: 1 } });
    const heldByQuiet = quiet.withLock('account:bob', () => new Promise<void>((resolve) => (releaseQuiet = resolve)), { owner: { tool: 'refund', requestId: 9 } });
    const waitingQuiet = quiet.withLock('account:alice', () => undefined, { owner: { tool: 'deposit', requestId: 10 } });
    await a.idle();
    await quiet.idle();
    await until((snapshot) => (row(snapshot, 'account:alice')?.holders.length ?? 0) === 1, "a's hold reported");

    const source = new RedisLockSource(await connectRedisLockState(redis.url, prefix), model, { id: 'redis', label: 'Redis' }, { clock: manualClock });
    closers.push(() => source.stop());
    await source.start();
    const read = model.snapshot();
    assert.deepEqual(names(row(read, 'account:alice')?.holders), ["transfer #1 on replica 'a'"], "a's hold once, though Redis has it too");
    assert.deepEqual(names(row(read, 'account:alice')?.waiters), ["deposit #10 on replica 'quiet'"], 'a waiter of a replica that does not report');
    assert.deepEqual(names(row(read, 'account:bob')?.holders), ["refund #9 on replica 'quiet'"], 'a holder of a replica that does not report');
    assert.equal(read.totals.held, 2);
    assert.equal(read.sources.find((source) => source.id === 'redis')?.kind, 'redis');

    releaseQuiet();
    await heldByQuiet;
    releaseA();
    await heldByA;
    await waitingQuiet;
    await source.readNow();
    await until((snapshot) => snapshot.totals.held === 0 && snapshot.totals.waiting === 0, 'nothing held once all let go');
  });

  it('watch --redis shows the holders Redis has, named by replica, in its summary', async () => {
    // The CLI reads the library's default key prefix, as real replicas use it (the other tests keep theirs apart).
    const defaultPrefixMap = await RedisLockMap.connect({ url: redis.url, replica: 'quiet' });
    closers.push(() => defaultPrefixMap.close());
    let releaseDefault!: () => void;
    const heldDefault = defaultPrefixMap.withLock('account:carol', () => new Promise<void>((resolve) => (releaseDefault = resolve)), { owner: { tool: 'refund', requestId: 11 } });
    await defaultPrefixMap.idle();
    const watch = spawn(process.execPath, ['--import', 'tsx', cliMain, 'watch', '--listen', '--redis', redis.url, '--duration', '1.5'], { stdio: ['ignore', 'pipe', 'pipe'] });
    closers.push(() => watch.kill('SIGKILL'));
    const output = readLines(watch.stdout!);
    const [summaryTotals] = await output.waitFor(/^held \d+ {2}waiting.*$/, 30_000);
    await output.waitFor(/No warnings\.|Warnings/, 30_000);
    assert.equal(summaryTotals, 'held 1  waiting 0  timeouts 0  deadlocks 0  events 0', 'the Redis holder, read by the CLI');
    assert.ok(output.lines.some((line) => /source Redis redis:\/\/127\.0\.0\.1:\d+ \(redis, pid \d+, connected\)/.test(line)), output.lines.join('\n'));
    releaseDefault();
    await heldDefault;
  });

  it('reads 10,000 held resources from Redis, merges them into the model and builds the snapshot in bounded time', async (t) => {
    await open();
    const quiet = await connectMap('quiet');
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const holds = Array.from({ length: 10_000 }, (_, index) => quiet.withLock(`held:${index}`, () => gate, { owner: { tool: 'transfer', requestId: index } }));
    await quiet.idle();
    const connection = await connectRedisLockState(redis.url, prefix);
    const source = new RedisLockSource(connection, model, { id: 'redis', label: 'Redis' }, { clock: manualClock });
    closers.push(() => source.stop());
    const figures: { readMs: number; applyMs: number; snapshotMs: number }[] = [];
    await source.start();
    for (let round = 0; round < 5; round++) {
      const readStart = performance.now();
      const snapshot = await connection.read();
      const readMs = performance.now() - readStart;
      const applyStart = performance.now();
      model.applySnapshot('redis', snapshot);
      const applyMs = performance.now() - applyStart;
      const snapshotStart = performance.now();
      const built = model.snapshot();
      figures.push({ readMs, applyMs, snapshotMs: performance.now() - snapshotStart });
      assert.equal(built.totals.held, 10_000);
    }
    const median = (key: keyof (typeof figures)[number]) => figures.map((figure) => figure[key]).sort((x, y) => x - y)[2]!;
    t.diagnostic(`10,000 held resources: Redis read ${median('readMs').toFixed(1)} ms, model apply ${median('applyMs').toFixed(1)} ms, snapshot ${median('snapshotMs').toFixed(1)} ms (medians of 5); next read after ${Math.max(1000, 20 * source.lastReadMs).toFixed(0)} ms`);
    assert.ok(median('readMs') + median('applyMs') + median('snapshotMs') < 2000, 'a reading of 10,000 holders, merged and shown, takes under 2 s');
    release();
    await Promise.all(holds);
  });
});

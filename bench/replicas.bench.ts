// Locks across replicas on one real redis-server: the Redis lock map against redlock (default retries) and
// redis-semaphore's Mutex (its default 10 ms retry), with a bare PING round trip as the unit, all in the same run.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import Redis from 'ioredis';
import { Mutex } from 'redis-semaphore';
import { createRequire } from 'node:module';
import { createClient } from 'redis';
import { DEFAULT_KEY_PREFIX, readRedisLockState, RedisLockMap } from '../extension/redis';
import { LuaScript } from '../extension/redis/luaScript';
import { startRedisServer } from '../tools/redisServer.mjs';
import { bestOfRounds, printTable, type BenchRow } from './measure';

const LIBRARIES = ['ours', 'redlock', 'redis-semaphore'] as const;
/** The push floor (replicaLockWorker.ts): a BLPOP/LPUSH token, the least any push-woken lock pays for a hand-over here. */
const PUSH_FLOOR = 'token';
const PUSH_FLOOR_LABEL = 'push floor: BLPOP/LPUSH token';
const PUSH_FLOOR_NOTE = 'no lease, fencing, owner or deadlock detection';
/** What each contended and burst workload runs: the contestants, then the floor. */
const WORKLOAD_RUNS = [...LIBRARIES, PUSH_FLOOR];
const CONTENDED_MS = 3000;
const PROCESSES = 3;
/** Concurrent callers in each process: one request at a time, then a burst of parallel tool calls. */
const CALLERS_PER_PROCESS = [1, 8];
// Each grant: 1 ms of work under the lock, then 1 ms of other work before asking again (a request handler's rhythm).
const HOLD_MS = 1;
const THINK_MS = 1;
/** Parallel calls per process in the burst: each takes the hot key once (a client's parallel tool calls on one account). */
const BURST_CALLERS = 30;

/** Microseconds per run of `op`, the median of `runs` sequential runs after a warm-up. */
async function medianMicros(op: () => Promise<unknown>, runs: number): Promise<number> {
  for (let index = 0; index < runs / 10; index++) await op();
  const samples: number[] = [];
  for (let index = 0; index < runs; index++) {
    const startedNs = process.hrtime.bigint();
    await op();
    samples.push(Number(process.hrtime.bigint() - startedNs) / 1000);
  }
  return percentile(samples, 0.5);
}

/** Round trips per run of `op`, from Redis's own counters: the scripts it was sent (EVALSHA, EVAL), over `runs` sequential runs. */
async function scriptsPerOp(client: { info(section: string): Promise<string> }, op: () => Promise<unknown>, runs: number): Promise<number> {
  const scriptsSent = async () => {
    const stats = await client.info('commandstats');
    return ['evalsha', 'eval'].reduce((sum, command) => sum + Number(new RegExp(`cmdstat_${command}:calls=(\\d+)`).exec(stats)?.[1] ?? 0), 0);
  };
  const before = await scriptsSent();
  for (let index = 0; index < runs; index++) await op();
  return ((await scriptsSent()) - before) / runs;
}

function percentile(values: readonly number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))] ?? NaN;
}

interface ContendedRun {
  readonly grantsPerSecond: number;
  readonly handOverMs: number;
  /** Median PING round trip the workers timed during the run: the unit under the same load. */
  readonly pingMs: number;
  readonly p99WaitMs: number;
  readonly failures: number;
}

/** What one worker printed: its grants (asked, granted, done, on the shared wall clock), failures and PING round trips. */
interface WorkerRun {
  readonly grants: [askedMs: number, grantedMs: number, doneMs: number][];
  readonly failures: number;
  readonly pingsMs: number[];
}

/** Starts PROCESSES worker processes with `callers` callers each on one hot key, all at one instant; `duration` is ms or `burst`. */
async function runWorkers(library: string, url: string, hotKey: string, duration: string, callers: number): Promise<WorkerRun[]> {
  const startAtMs = performance.timeOrigin + performance.now() + 1500;
  const outputs = await Promise.all(Array.from({ length: PROCESSES }, () => new Promise<string>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'replicaLockWorker.ts'), library, url, hotKey, duration, String(startAtMs), String(HOLD_MS), String(THINK_MS), String(callers)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let text = '';
    child.stdout.on('data', (chunk) => (text += chunk));
    child.once('exit', (code) => (code === 0 ? resolve(text) : reject(new Error(`${library} worker exited ${code}`))));
  })));
  return outputs.map((text) => JSON.parse(text) as WorkerRun);
}

/** Three worker processes with `callers` concurrent callers each on one hot key for CONTENDED_MS; merges their grants on the shared wall clock. */
async function contended(library: string, url: string, hotKey: string, callers: number): Promise<ContendedRun> {
  const runs = await runWorkers(library, url, hotKey, String(CONTENDED_MS), callers);
  const grants = runs.flatMap((run) => run.grants).sort((a, b) => a[1] - b[1]);
  // A hand-over: from the end of one hold's work (its release begins) to the next grant, for a caller already waiting by then.
  const handOvers: number[] = [];
  for (let index = 1; index < grants.length; index++) {
    const releasedMs = grants[index - 1]![2];
    const [askedMs, grantedMs] = grants[index]!;
    if (askedMs < releasedMs) handOvers.push(Math.max(0, grantedMs - releasedMs));
  }
  return {
    grantsPerSecond: grants.length / (CONTENDED_MS / 1000),
    handOverMs: percentile(handOvers, 0.5),
    pingMs: percentile(runs.flatMap((run) => run.pingsMs), 0.5),
    p99WaitMs: percentile(grants.map(([askedMs, grantedMs]) => grantedMs - askedMs), 0.99),
    failures: runs.reduce((sum, run) => sum + run.failures, 0),
  };
}

interface BurstRun {
  /** From the first call asked to the end of the last call's work. */
  readonly makespanMs: number;
  readonly grantsPerSecond: number;
  readonly p99WaitMs: number;
  readonly failures: number;
}

/** BURST_CALLERS parallel calls in each of the worker processes, each taking the hot key once, all at one instant. */
async function burst(library: string, url: string, hotKey: string): Promise<BurstRun> {
  const runs = await runWorkers(library, url, hotKey, 'burst', BURST_CALLERS);
  const grants = runs.flatMap((run) => run.grants);
  // From the first call asked, not the planned start: a worker still loading would count against every library alike.
  const makespanMs = Math.max(...grants.map(([, , doneMs]) => doneMs)) - Math.min(...grants.map(([askedMs]) => askedMs));
  return {
    makespanMs,
    grantsPerSecond: grants.length / (makespanMs / 1000),
    p99WaitMs: percentile(grants.map(([askedMs, grantedMs]) => grantedMs - askedMs), 0.99),
    failures: runs.reduce((sum, run) => sum + run.failures, 0),
  };
}

/** The least a Lua script round trip costs: Redis runs a script that does nothing. */
const emptyScript = new LuaScript('return 1');

async function main(): Promise<void> {
  const redis = await startRedisServer();
  // No per-command timer (node-redis's default AbortSignal.timeout): the unit is the bare round trip, as the lock map sends it.
  const client = createClient({ url: redis.url, commandOptions: { timeout: 0 } });
  await client.connect();
  const ioredis = new Redis(redis.url);
  const locks = await RedisLockMap.connect({ url: redis.url, replica: 'bench' });
  const Redlock = createRequire(__filename)('redlock') as new (clients: readonly Redis[], options?: object) => { lock(resource: string, ttlMs: number): Promise<{ unlock(): Promise<void> }> };
  const redlock = new Redlock([ioredis]);
  try {
    let key = 0;
    // Interleaved rounds, best median of each: drift from the machine's other load hits every contestant alike.
    const uncontendedBest = await bestOfRounds(5, [
      ['PING', () => medianMicros(() => client.ping(), 1000)],
      ['EVALSHA', () => medianMicros(() => emptyScript.run(client, [], []), 1000)],
      ['ours', () => medianMicros(() => locks.withLock(`free:${key++}`, () => undefined), 1000)],
      ['redlock', () => medianMicros(async () => (await redlock.lock(`free:${key++}`, 10_000)).unlock(), 1000)],
      ['redis-semaphore', () => medianMicros(async () => {
        const mutex = new Mutex(ioredis, `free:${key++}`);
        await mutex.acquire();
        await mutex.release();
      }, 1000)],
    ], 'lower');
    const pingMicros = uncontendedBest.get('PING')!;
    const scriptsPerCall = await scriptsPerOp(client, () => locks.withLock(`free:${key++}`, () => undefined), 1000);
    const uncontended = Object.fromEntries(LIBRARIES.map((library) => [library, uncontendedBest.get(library)!])) as Record<(typeof LIBRARIES)[number], number>;
    const inRoundTrips = (micros: number) => `${(micros / pingMicros).toFixed(2)} PING round trips`;
    printTable('Uncontended acquire + release (best of 5 interleaved medians, one process)', [
      { label: 'PING round trip', value: pingMicros, unit: 'us' },
      { label: 'EVALSHA of an empty script', value: uncontendedBest.get('EVALSHA')!, unit: 'us', versus: 'PING round trip', note: 'what one scripted round trip costs at least' },
      ...LIBRARIES.map((library): BenchRow => ({ label: library, value: uncontended[library], unit: 'us', versus: 'PING round trip', ...(library === 'ours' ? { target: '<= 2' as const } : {}), note: inRoundTrips(uncontended[library]) })),
      { label: 'ours: scripts sent per call', value: scriptsPerCall, unit: 'round trips', note: 'each script is one round trip; its latency above is what Redis spends running it' },
    ]);

    // The push floor's key starts with its one token in the list.
    const hotKey = async (library: string, key: string): Promise<string> => {
      if (library === PUSH_FLOOR) await client.lPush(key, 'token');
      return key;
    };
    // One caller per process (a replica serving one request at a time), then parallel tool calls: several callers per
    // replica at once, where a polling lock's waiters sleep through their retry delay while the key is free.
    for (const callers of CALLERS_PER_PROCESS) {
      const runs: Record<string, ContendedRun> = {};
      for (const library of WORKLOAD_RUNS) runs[library] = await contended(library, redis.url, await hotKey(library, `hot:${library}:${callers}`), callers);
      const workload = `one hot key, ${PROCESSES} processes x ${callers} caller${callers === 1 ? '' : 's'}, ${CONTENDED_MS / 1000} s, ${HOLD_MS} ms under the lock, ${THINK_MS} ms and a PING outside`;
      // The target is in quiet round trips; beside it, in those the workers timed during the run: on 2 cores, three
      // busy processes and Redis slow every wake-up, and a hand-over waits for two of them.
      const underLoad = (library: string) => `${(runs[library]!.handOverMs / runs[library]!.pingMs).toFixed(2)} PINGs timed in its own run (${(runs[library]!.pingMs * 1000).toFixed(0)} us each)`;
      printTable(`${workload}: hand-over to a waiter (median)`, [
        { label: 'PING round trip', value: pingMicros / 1000, unit: 'ms', note: 'quiet, before the run' },
        ...LIBRARIES.map((library): BenchRow => ({
          label: library,
          value: runs[library]!.handOverMs,
          unit: 'ms',
          versus: 'PING round trip',
          ...(library === 'ours' ? { target: '<= 2' as const } : {}),
          note: underLoad(library),
        })),
        { label: PUSH_FLOOR_LABEL, value: runs[PUSH_FLOOR]!.handOverMs, unit: 'ms', versus: 'PING round trip', note: `${underLoad(PUSH_FLOOR)}; ${PUSH_FLOOR_NOTE}` },
        { label: 'ours vs the push floor', value: runs.ours!.handOverMs, unit: 'ms', versus: PUSH_FLOOR_LABEL },
      ]);
      printTable(`${workload}: throughput (grants per second, all processes)`, [
        { label: 'ours', value: runs.ours!.grantsPerSecond, unit: '/s', note: `${runs.ours!.failures} failed` },
        { label: 'redlock', value: runs.redlock!.grantsPerSecond, unit: '/s', note: `${runs.redlock!.failures} failed after its retries` },
        { label: 'redis-semaphore', value: runs['redis-semaphore']!.grantsPerSecond, unit: '/s', note: `${runs['redis-semaphore']!.failures} failed` },
        { label: 'ours vs redlock', value: runs.ours!.grantsPerSecond, unit: '/s', versus: 'redlock', target: '>= 5' },
        { label: 'ours vs redis-semaphore', value: runs.ours!.grantsPerSecond, unit: '/s', versus: 'redis-semaphore', target: '>= 2' },
        { label: PUSH_FLOOR_LABEL, value: runs[PUSH_FLOOR]!.grantsPerSecond, unit: '/s', versus: 'redlock', note: `the most a push-woken lock gets over redlock here; ${PUSH_FLOOR_NOTE}` },
      ]);
      printTable(`${workload}: fairness, p99 wait per grant`, LIBRARIES.map((library): BenchRow => ({ label: library, value: runs[library]!.p99WaitMs, unit: 'ms', ...(library === 'ours' ? {} : { versus: 'ours' }) })));
    }

    // A burst of parallel tool calls on one account, each taking the lock once: where polling waiters sleep through
    // their retry delay while the key is free, and a lock whose owner loops back cannot keep it.
    const bursts: Record<string, BurstRun> = {};
    for (const library of WORKLOAD_RUNS) bursts[library] = await burst(library, redis.url, await hotKey(library, `burst:${library}`));
    const burstWorkload = `burst: ${PROCESSES} processes x ${BURST_CALLERS} parallel calls on one hot key, each once, ${HOLD_MS} ms under the lock`;
    printTable(`${burstWorkload}: throughput (grants per second until the last call is done)`, [
      ...LIBRARIES.map((library): BenchRow => ({ label: library, value: bursts[library]!.grantsPerSecond, unit: '/s', note: `all done in ${bursts[library]!.makespanMs.toFixed(0)} ms, p99 wait ${bursts[library]!.p99WaitMs.toFixed(0)} ms, ${bursts[library]!.failures} failed` })),
      { label: 'ours vs redlock', value: bursts.ours!.grantsPerSecond, unit: '/s', versus: 'redlock', target: '>= 5' },
      { label: 'ours vs redis-semaphore', value: bursts.ours!.grantsPerSecond, unit: '/s', versus: 'redis-semaphore', target: '>= 2' },
      { label: PUSH_FLOOR_LABEL, value: bursts[PUSH_FLOOR]!.grantsPerSecond, unit: '/s', versus: 'redlock', note: `all done in ${bursts[PUSH_FLOOR]!.makespanMs.toFixed(0)} ms; ${PUSH_FLOOR_NOTE}` },
    ]);

    // The inspector's view: 10,000 resources held at once, read straight from Redis.
    let releaseAll!: () => void;
    const held = new Promise<void>((resolve) => (releaseAll = resolve));
    const holders = Array.from({ length: 10_000 }, (_, index) => locks.withLock(`held:${index}`, () => held));
    await locks.idle();
    const snapshotMs = Math.min(...(await Promise.all([0, 1, 2, 3, 4].map(async () => {
      const startedNs = process.hrtime.bigint();
      const { resources } = await readRedisLockState(client, DEFAULT_KEY_PREFIX);
      if (resources.length < 10_000) throw new Error(`the snapshot saw ${resources.length} held resources, not 10,000`);
      return Number(process.hrtime.bigint() - startedNs) / 1e6;
    }))));
    releaseAll();
    await Promise.all(holders);
    printTable('Inspector view: snapshot of 10,000 held resources read from Redis (best of 5)', [{ label: 'readRedisLockState', value: snapshotMs, unit: 'ms' }]);
  } finally {
    await locks.close();
    ioredis.disconnect();
    client.destroy();
    await redis.stop();
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

// Lock library benchmark: our ResourceLockMap against bare async-mutex, async-lock, a ten-line promise mutex (the
// floor), the seed's lock map and no lock, all measured in this run. Targets come from issues 3 and 17.
import { AsyncLocalStorage } from 'node:async_hooks';
import AsyncLock from 'async-lock';
import { Mutex } from 'async-mutex';
import { ResourceLockMap, runWithLockContext } from '../extension/locks';
import { FloorMutex } from './floorMutex';
import { bestOfRounds, liveHeapBytes, printTable, timeOnce, timeOps, type BenchRow } from './measure';
import { SeedResourceLockMap } from '../test/support/seedResourceLockMap';

const UNCONTENDED_OPS = 100_000;
const ROUNDS = 5;
const CALLERS = 64;
const RESOURCES = 1024;
const CONTENDED_WINDOW_MS = 300;
const DISTINCT_KEYS = 1_000_000;
const HAND_OVER_WINDOW_MS = 200;

type WithLock = (id: string, fn: () => Promise<void>) => Promise<unknown>;

const work = async (): Promise<void> => {};
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Our map with one listener that keeps the last event, as the inspector reporter would touch each one. */
function subscribedLocks(): ResourceLockMap {
  const locks = new ResourceLockMap();
  let lastType = '';
  locks.subscribe((event) => {
    lastType = event.type;
  });
  void lastType;
  return locks;
}

async function uncontended(): Promise<void> {
  const mutex = new Mutex();
  // Measured before this process ever used AsyncLocalStorage: on Node 20 its promise hook slows every promise.
  const pristine = await bestOfRounds(ROUNDS, [['runExclusive', async () => (await timeOps(() => mutex.runExclusive(work), UNCONTENDED_OPS)).nsPerOp]], 'lower');
  // Every server using this library runs under AsyncLocalStorage, so all other rows are measured with it on.
  await runWithLockContext({}, work);
  const asyncLock = new AsyncLock();
  const floor = new FloorMutex();
  // What carrying a per-call context costs by itself, which any lock that detects re-entrancy across awaits pays.
  const frames = new AsyncLocalStorage<object>();
  const frame = {};
  const quiet = new ResourceLockMap();
  const subscribed = subscribedLocks();
  // What `import { Mutex } from 'async-mutex'` gives an ES module: another build (native generators), slower.
  const esmMutex = new (await import('async-mutex')).Mutex();
  const contestants: [string, () => Promise<unknown>, number?][] = [
    ['no lock', work],
    ['runExclusive', () => mutex.runExclusive(work)],
    ['runExclusive, ESM build', () => esmMutex.runExclusive(work)],
    ['async-lock', () => asyncLock.acquire('k', work), UNCONTENDED_OPS / 10],
    ['floor: ten-line promise mutex', () => floor.runExclusive(work)],
    ['floor + AsyncLocalStorage.run per call', () => frames.run(frame, () => floor.runExclusive(work))],
    ['withLock, no subscriber', () => quiet.withLock('k', work)],
    ['withLock, one subscriber', () => subscribed.withLock('k', work)],
    ['withLock read, no subscriber', () => quiet.withLock('k', work, { mode: 'read' })],
    ['withLocks 1 id, no subscriber', () => quiet.withLocks(['k'], work)],
    ['withLocks 2 ids, one subscriber', () => subscribed.withLocks(['k', 'j'], work)],
  ];
  const best = await bestOfRounds(
    ROUNDS,
    contestants.map(([label, op, ops = UNCONTENDED_OPS]) => [label, async () => (await timeOps(op, ops)).nsPerOp] as const),
    'lower',
  );
  // Last: the seed's never-cleared timers stay on the heap and the timer list for 5 s and would slow the others.
  const seed = new SeedResourceLockMap();
  const seedNs = (await timeOps(() => seed.withLock('k', work), UNCONTENDED_OPS / 4)).nsPerOp;
  const targets: Record<string, BenchRow['target']> = { 'withLock, no subscriber': '<= 1.3', 'withLock, one subscriber': '<= 0.5', 'withLocks 2 ids, one subscriber': '<= 2' };
  const baselines: Record<string, string> = { 'withLocks 2 ids, one subscriber': 'withLock, one subscriber' };
  const nsOf = (label: string): number => best.get(label) ?? NaN;
  const rows: BenchRow[] = [
    ...contestants.map(([label]): BenchRow => ({
      label,
      value: nsOf(label),
      unit: 'ns/op',
      versus: label === 'no lock' || label === 'runExclusive' ? undefined : (baselines[label] ?? 'runExclusive'),
      target: targets[label],
    })),
    { label: 'withLock, one subscriber (again)', value: nsOf('withLock, one subscriber'), unit: 'ns/op', versus: 'async-lock', target: '<= 1' },
    { label: 'withLock, no subscriber (again)', value: nsOf('withLock, no subscriber'), unit: 'ns/op', versus: 'floor: ten-line promise mutex', target: '<= 1.1' },
    { label: 'withLock, no subscriber (once more)', value: nsOf('withLock, no subscriber'), unit: 'ns/op', versus: 'floor + AsyncLocalStorage.run per call' },
    {
      label: 'floor + AsyncLocalStorage.run per call (again)',
      value: nsOf('floor + AsyncLocalStorage.run per call'),
      unit: 'ns/op',
      versus: 'runExclusive',
      note: 'the least a lock that carries a per-call context pays: above 0.5x, no such lock meets the one-subscriber target',
    },
    { label: 'runExclusive, no ALS in process', value: pristine.get('runExclusive') ?? NaN, unit: 'ns/op', versus: 'runExclusive' },
    { label: 'seed withLock', value: seedNs, unit: 'ns/op', versus: 'runExclusive' },
  ];
  printTable(`Uncontended, one caller, sequential calls, best of ${ROUNDS} rounds, ${process.version}`, rows);
}

/** `callers` callers taking turns on one key with no work between, for a fixed window: calls per second. */
async function handOverRun(callers: number, withLock: (fn: () => Promise<void>) => Promise<unknown>): Promise<number> {
  let calls = 0;
  const windowEndsMs = performance.now() + HAND_OVER_WINDOW_MS;
  const caller = async (): Promise<void> => {
    while (performance.now() < windowEndsMs) {
      await withLock(work);
      calls++;
    }
  };
  await Promise.all(Array.from({ length: callers }, caller));
  return (calls / HAND_OVER_WINDOW_MS) * 1000;
}

async function handOver(callers: number): Promise<void> {
  const mutex = new Mutex();
  const asyncLock = new AsyncLock({ maxPending: Infinity });
  const floor = new FloorMutex();
  const quiet = new ResourceLockMap();
  const subscribed = subscribedLocks();
  const variants: [string, (fn: () => Promise<void>) => Promise<unknown>][] = [
    ['floor: ten-line promise mutex', (fn) => floor.runExclusive(fn)],
    ['runExclusive', (fn) => mutex.runExclusive(fn)],
    ['async-lock', (fn) => asyncLock.acquire('k', fn)],
    ['withLock, no subscriber', (fn) => quiet.withLock('k', fn)],
    ['withLock, one subscriber', (fn) => subscribed.withLock('k', fn)],
  ];
  const best = await bestOfRounds(ROUNDS, variants.map(([label, withLock]) => [label, () => handOverRun(callers, withLock)] as const), 'higher');
  const callsOf = (label: string): number => best.get(label) ?? NaN;
  const rows: BenchRow[] = variants.map(([label]) => ({
    label,
    value: callsOf(label),
    unit: 'calls/s',
    versus: label === 'runExclusive' ? undefined : 'runExclusive',
    target: label.startsWith('withLock') ? '>= 1' : undefined,
  }));
  rows.push(
    { label: 'withLock, no subscriber (again)', value: callsOf('withLock, no subscriber'), unit: 'calls/s', versus: 'async-lock', target: '>= 1' },
    { label: 'withLock, one subscriber (again)', value: callsOf('withLock, one subscriber'), unit: 'calls/s', versus: 'async-lock', target: '>= 1' },
  );
  printTable(`Hand-over: ${callers} callers taking turns on one key, no work between, ${HAND_OVER_WINDOW_MS} ms windows, best of ${ROUNDS} rounds`, rows);
}

/**
 * 64 callers doing read-modify-write with 1 ms of async work on random accounts for a fixed window: calls completed
 * within the window per second (a fixed window, so one unlucky caller's tail does not decide the result), and the
 * updates lost by all calls.
 */
async function contendedRun(withLock: WithLock | undefined): Promise<{ opsPerSecond: number; lostUpdates: number }> {
  const balances = new Array<number>(RESOURCES).fill(0);
  let state = 12345;
  // xorshift32: the same account sequence for every variant.
  const nextAccount = (): number => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) % RESOURCES;
  };
  const deposit = (account: number) => async (): Promise<void> => {
    const before = balances[account];
    await sleep(1);
    balances[account] = before + 1;
  };
  let calls = 0;
  let callsInWindow = 0;
  const windowEndsMs = performance.now() + CONTENDED_WINDOW_MS;
  const caller = async (): Promise<void> => {
    while (performance.now() < windowEndsMs) {
      const account = nextAccount();
      if (withLock === undefined) await deposit(account)();
      else await withLock(`account:${account}`, deposit(account));
      calls++;
      if (performance.now() <= windowEndsMs) callsInWindow++;
    }
  };
  await Promise.all(Array.from({ length: CALLERS }, caller));
  return { opsPerSecond: (callsInWindow / CONTENDED_WINDOW_MS) * 1000, lostUpdates: calls - balances.reduce((sum, value) => sum + value, 0) };
}

async function contended(): Promise<void> {
  const mutexes = Array.from({ length: RESOURCES }, () => new Mutex());
  const asyncLock = new AsyncLock({ maxPending: Infinity });
  const seed = new SeedResourceLockMap();
  const quiet = new ResourceLockMap();
  const subscribed = subscribedLocks();
  const variants: [string, WithLock | undefined][] = [
    ['no lock', undefined],
    ['async-mutex, one Mutex per account', (id, fn) => mutexes[Number(id.slice(8))].runExclusive(fn)],
    ['async-lock', (id, fn) => asyncLock.acquire(id, fn)],
    ['seed', (id, fn) => seed.withLock(id, fn)],
    ['withLock, no subscriber', (id, fn) => quiet.withLock(id, fn)],
    ['withLock, one subscriber', (id, fn) => subscribed.withLock(id, fn)],
  ];
  await contendedRun(undefined);
  const worstLostUpdates = new Map<string, number>();
  const best = await bestOfRounds(
    ROUNDS,
    variants.map(([label, withLock]) => [label, async () => {
      const { opsPerSecond, lostUpdates } = await contendedRun(withLock);
      worstLostUpdates.set(label, Math.max(lostUpdates, worstLostUpdates.get(label) ?? 0));
      return opsPerSecond;
    }] as const),
    'higher',
  );
  const rows = variants.map(([label]): BenchRow => ({
    label,
    value: best.get(label) ?? NaN,
    unit: 'calls/s',
    versus: label === 'no lock' ? undefined : 'no lock',
    target: label.startsWith('withLock') ? '>= 0.85' : undefined,
    note: `lost updates ${worstLostUpdates.get(label)} (worst round)`,
  }));
  printTable(`Contended: ${CALLERS} parallel callers on ${RESOURCES} resources, 1 ms async work, ${CONTENDED_WINDOW_MS} ms windows, best of ${ROUNDS} rounds (lost updates must be 0 with a lock)`, rows);
}

/** Sequential calls on distinct keys: what is left in the map and on the heap afterwards. */
async function distinctKeys(label: string, withLock: WithLock, size: () => number, keys: number): Promise<BenchRow> {
  const heapBefore = liveHeapBytes();
  const elapsedMs = await timeOnce(async () => {
    for (let key = 0; key < keys; key++) await withLock(`key:${key}`, work);
  });
  const heapGrowthMb = (liveHeapBytes() - heapBefore) / 2 ** 20;
  return { label, value: (elapsedMs * 1e6) / keys, unit: 'ns/op', note: `entries left ${size()}, heap growth ${heapGrowthMb.toFixed(2)} MB` };
}

async function manyKeys(): Promise<void> {
  const quiet = new ResourceLockMap();
  const subscribed = subscribedLocks();
  const seed = new SeedResourceLockMap();
  const pairKeys = DISTINCT_KEYS / 5;
  const rows = [
    await distinctKeys('withLock, no subscriber', (id, fn) => quiet.withLock(id, fn), () => quiet.size, DISTINCT_KEYS),
    await distinctKeys('withLock, one subscriber', (id, fn) => subscribed.withLock(id, fn), () => subscribed.size, DISTINCT_KEYS),
    // Every pair is new, so this also shows the bounded lock-order memory (and the cost of capturing call sites).
    await distinctKeys(`withLocks 2 new ids, one subscriber (${pairKeys.toLocaleString('en-US')} calls)`, (id, fn) => subscribed.withLocks([id, `${id}'`], fn), () => subscribed.size, pairKeys),
    // Last: its never-cleared 5 s timers pile up on the heap.
    await distinctKeys('seed', (id, fn) => seed.withLock(id, fn), () => seed.size, DISTINCT_KEYS),
  ];
  printTable(`${DISTINCT_KEYS.toLocaleString('en-US')} calls on distinct keys (targets: 0 entries left, heap growth < 1 MB)`, rows);
}

async function main(): Promise<void> {
  await uncontended();
  await handOver(2);
  await handOver(8);
  await contended();
  await manyKeys();
  // The seed's leftover timers would keep the process alive for 5 s.
  process.exit(0);
}

void main();

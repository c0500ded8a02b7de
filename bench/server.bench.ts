// MCP server benchmark: one tools/call round trip in memory and over stdio, bare and with the lock library's work
// and events, the lock overhead as a share of a stdio round trip, and the reporter's delivery rate to a listening
// hub. Targets come from issue 4: lock work + events <= 2% of a stdio round trip; delivery >= 1,000,000 events/s.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { CHANNEL_ENV } from '../extension/contract/wireFormat';
import { ResourceLockMap, runWithLockContext } from '../extension/locks';
import type { LockEvent, LockSnapshot } from '../extension/contract/lockEvents';
import { InspectorReporter, type LockEventSource } from '../extension/mcp/inspectorReporter';
import { createBenchToolServer, PROFILE_FILE_ENV, type BenchServerMode } from './benchToolServer';
import { partRows, partsPerCall, profileInProcess, type CpuProfile } from './callProfile';
import { printTable, timeOnce, timeOps, type BenchRow } from './measure';

const IN_MEMORY_CALLS = 20_000;
const STDIO_CALLS = 4000;
const LOCK_WORK_CALLS = 200_000;
/** Interleaved rounds of the round-trip contestants: enough for a median of paired ratios. */
const ROUNDS = 9;
const DELIVERY_ROUNDS = 5;
const DELIVERY_EVENTS = 2_000_000;
const EVENTS_PER_TURN = 4096;
const PROFILED_CALLS = 5000;

/**
 * A hub on another thread. `count` mode counts the events in the bytes as they arrive (one `"seq":` per event), which
 * is what delivery means; `parse` mode also JSON.parses every line, as the extension's hub does, to show that cost.
 */
const HUB_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const net = require('node:net');
const marker = Buffer.from('"seq":');
net.createServer((socket) => {
  let events = 0;
  let tail = Buffer.alloc(0);
  const chunks = [];
  socket.on('data', (chunk) => {
    if (workerData.parse) {
      let start = 0;
      let newline;
      while ((newline = chunk.indexOf(10, start)) !== -1) {
        chunks.push(chunk.subarray(start, newline));
        const message = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        chunks.length = 0;
        if (message.type === 'events') events += message.events.length;
        start = newline + 1;
      }
      if (start < chunk.length) chunks.push(chunk.subarray(start));
      return;
    }
    const bytes = tail.length === 0 ? chunk : Buffer.concat([tail, chunk]);
    for (let at = bytes.indexOf(marker); at !== -1; at = bytes.indexOf(marker, at + marker.length)) events++;
    tail = Buffer.from(bytes.subarray(Math.max(0, bytes.length - marker.length + 1)));
  });
  socket.on('end', () => parentPort.postMessage({ type: 'closed', events }));
}).listen(workerData.address, () => parentPort.postMessage({ type: 'listening' }));
`;

interface BenchHub {
  readonly address: string;
  /** Resolves with the events of the next connection to end. */
  nextClose(): Promise<number>;
  stop(): Promise<void>;
}

async function startHub(folder: string, mode: 'count' | 'parse'): Promise<BenchHub> {
  const address = join(folder, `hub-${mode}.sock`);
  const worker = new Worker(HUB_SOURCE, { eval: true, workerData: { address, parse: mode === 'parse' } });
  await new Promise<void>((resolve) => worker.once('message', () => resolve()));
  return {
    address,
    nextClose: () =>
      new Promise((resolve) => {
        const onMessage = (message: { type: string; events: number }): void => {
          if (message.type !== 'closed') return;
          worker.off('message', onMessage);
          resolve(message.events);
        };
        worker.on('message', onMessage);
      }),
    stop: () => worker.terminate().then(() => undefined),
  };
}

type CallTouch = () => Promise<unknown>;

async function inMemoryClient(mode: BenchServerMode): Promise<{ call: CallTouch; close(): Promise<void> }> {
  const server = createBenchToolServer(mode);
  const client = new Client({ name: 'bench', version: '1.0.0' });
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  await server.connect(serverTransport);
  await client.connect(clientTransport);
  return { call: () => client.callTool({ name: 'touch', arguments: { id: 'k' } }), close: () => client.close() };
}

/** A bench server over stdio; `serverCpuMs` reads the CPU time its process has used so far (Linux /proc, user + system). */
async function stdioClient(mode: BenchServerMode, env: Record<string, string> = {}): Promise<{ call: CallTouch; serverCpuMs(): number; close(): Promise<void> }> {
  const client = new Client({ name: 'bench', version: '1.0.0' });
  const inherited = Object.fromEntries(Object.entries(process.env).filter((entry): entry is [string, string] => entry[1] !== undefined && !entry[0].startsWith('MCP_LOCK_INSPECTOR_')));
  const transport = new StdioClientTransport({ command: process.execPath, args: ['--import', 'tsx', join(__dirname, 'benchToolServer.ts'), mode], env: { ...inherited, ...env }, stderr: 'inherit' });
  await client.connect(transport);
  const statFile = `/proc/${transport.pid}/stat`;
  return {
    call: () => client.callTool({ name: 'touch', arguments: { id: 'k' } }),
    serverCpuMs: () => {
      // Fields 14 and 15 (utime, stime), in clock ticks of 10 ms, counted after the parenthesised command name.
      const stat = readFileSync(statFile, 'utf8');
      return stat.slice(stat.lastIndexOf(')') + 2).split(' ').slice(11, 13).reduce((sum, ticks) => sum + Number(ticks) * 10, 0);
    },
    close: () => client.close(),
  };
}

/** Each contestant's nanoseconds per call in each of ROUNDS interleaved rounds, in an order that rotates every round. */
async function timedRounds(contestants: ReadonlyArray<readonly [string, CallTouch]>, calls: number): Promise<Map<string, number[]>> {
  const perRound = new Map<string, number[]>(contestants.map(([label]) => [label, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (let turn = 0; turn < contestants.length; turn++) {
      const [label, call] = contestants[(round + turn) % contestants.length]!;
      perRound.get(label)!.push((await timeOps(call, calls)).nsPerOp);
    }
  }
  return perRound;
}

/** The fastest round: the least a contestant costs once drift and other load are out of the way. */
const fastest = (rounds: readonly number[]): number => Math.min(...rounds);

/**
 * Each round's ratio of `rounds` to `baseline` measured in the same round, as its median and middle half: drift that
 * slows every contestant of a round cancels out, unlike in a ratio of two fastest rounds.
 */
function pairedRatio(rounds: readonly number[], baseline: readonly number[]): string {
  const ratios = rounds.map((ns, round) => ns / baseline[round]!).sort((a, b) => a - b);
  const at = (fraction: number) => ratios[Math.min(ratios.length - 1, Math.floor(fraction * ratios.length))]!.toFixed(2);
  return `paired rounds: median ${at(0.5)}x, middle half ${at(0.25)}-${at(0.75)}x`;
}

async function roundTrips(hub: BenchHub, deliveredPerSecond: number): Promise<void> {
  // Before anything in this process uses AsyncLocalStorage (its promise hook slows every promise on Node 20).
  const pristine = await inMemoryClient('bare');
  const pristineNs = fastest((await timedRounds([['bare', pristine.call]], IN_MEMORY_CALLS)).get('bare')!);
  await pristine.close();

  const bare = await inMemoryClient('bare');
  const locked = await inMemoryClient('locked');
  process.env[CHANNEL_ENV.address] = hub.address;
  process.env[CHANNEL_ENV.token] = 'bench';
  const reported = await inMemoryClient('locked');
  delete process.env[CHANNEL_ENV.address];
  delete process.env[CHANNEL_ENV.token];
  const memory = await timedRounds(
    [
      ['bare', bare.call],
      ['locked', locked.call],
      ['reported', reported.call],
    ],
    IN_MEMORY_CALLS,
  );
  await Promise.all([bare.close(), locked.close(), reported.close()]);

  const hubEnv = { [CHANNEL_ENV.address]: hub.address, [CHANNEL_ENV.token]: 'bench' };
  const stdioBare = await stdioClient('bare');
  const stdioLocked = await stdioClient('locked');
  const stdioReported = await stdioClient('locked', hubEnv);
  const cpuBefore = [stdioBare, stdioLocked, stdioReported].map((server) => server.serverCpuMs());
  const stdio = await timedRounds(
    [
      ['bare', stdioBare.call],
      ['locked', stdioLocked.call],
      ['reported', stdioReported.call],
    ],
    STDIO_CALLS,
  );
  // Every round's calls and their warm-up (a tenth), each server's CPU over all of them; its waits for the client cost none.
  const [bareCpuNs, lockedCpuNs, reportedCpuNs] = [stdioBare, stdioLocked, stdioReported].map((server, index) => ((server.serverCpuMs() - cpuBefore[index]!) * 1e6) / (ROUNDS * STDIO_CALLS * 1.1));
  await Promise.all([stdioBare.close(), stdioLocked.close(), stdioReported.close()]);

  const lockWork = await lockWorkPerCall();
  const stdioBareNs = fastest(stdio.get('bare')!);
  const versusBare = (rounds: Map<string, number[]>, label: string) => ({ value: fastest(rounds.get(label)!), note: pairedRatio(rounds.get(label)!, rounds.get('bare')!) });
  const rows: BenchRow[] = [
    { label: 'stdio, bare', value: stdioBareNs, unit: 'ns/call' },
    { label: 'stdio, lock + events', ...versusBare(stdio, 'locked'), unit: 'ns/call', versus: 'stdio, bare' },
    { label: 'stdio, lock + events + reporter', ...versusBare(stdio, 'reported'), unit: 'ns/call', versus: 'stdio, bare', target: '<= 1.02' },
    { label: 'stdio server CPU per call, bare', value: bareCpuNs!, unit: 'ns/call', note: 'user + system time of the server process over all rounds' },
    { label: 'stdio server CPU per call, lock + events', value: lockedCpuNs!, unit: 'ns/call', versus: 'stdio server CPU per call, bare' },
    { label: 'stdio server CPU per call, lock + events + reporter', value: reportedCpuNs!, unit: 'ns/call', versus: 'stdio server CPU per call, bare' },
    { label: 'in memory, bare (no ALS in process)', value: pristineNs, unit: 'ns/call' },
    { label: 'in memory, bare', value: fastest(memory.get('bare')!), unit: 'ns/call', versus: 'in memory, bare (no ALS in process)' },
    { label: 'in memory, lock + events', ...versusBare(memory, 'locked'), unit: 'ns/call', versus: 'in memory, bare' },
    { label: 'in memory, lock + events + reporter', ...versusBare(memory, 'reported'), unit: 'ns/call', versus: 'in memory, bare', target: '<= 1.05' },
    {
      label: 'lock work + events per call, measured alone',
      value: lockWork,
      unit: 'ns/call',
      versus: 'stdio, bare',
      target: '<= 0.02',
      note: 'runWithLockContext + withLock + 3 events to a listener',
    },
    {
      label: 'reporter per call: 5 events at the delivery rate',
      value: (5 * 1e9) / deliveredPerSecond,
      unit: 'ns/call',
      versus: 'stdio, bare',
      note: 'callStarted, requested, acquired, released, callEnded',
    },
  ];
  printTable(
    `tools/call round trip, sequential, fastest of ${ROUNDS} interleaved rounds (${IN_MEMORY_CALLS.toLocaleString('en-US')} calls in memory, ${STDIO_CALLS.toLocaleString('en-US')} over stdio); lock share of a stdio round trip, goal <= 2%`,
    rows,
  );
}

/** Where the microseconds of a call go, in memory (client and server in this process) and in a stdio server process. */
async function callProfiles(hub: BenchHub, folder: string): Promise<void> {
  const inMemory = async (mode: BenchServerMode, reported: boolean): Promise<Map<string, number>> => {
    if (reported) Object.assign(process.env, { [CHANNEL_ENV.address]: hub.address, [CHANNEL_ENV.token]: 'bench' });
    const client = await inMemoryClient(mode);
    delete process.env[CHANNEL_ENV.address];
    delete process.env[CHANNEL_ENV.token];
    await timeOps(client.call, PROFILED_CALLS);
    const profile = await profileInProcess(async () => {
      for (let index = 0; index < PROFILED_CALLS; index++) await client.call();
    });
    await client.close();
    return partsPerCall(profile, PROFILED_CALLS);
  };
  const bare = await inMemory('bare', false);
  const reported = await inMemory('locked', true);
  printTable(`Profile of ${PROFILED_CALLS.toLocaleString('en-US')} in-memory calls, lock + events + reporter (client and server share this process)`, partRows(reported, bare));

  const stdioServer = async (mode: BenchServerMode, env: Record<string, string>): Promise<Map<string, number>> => {
    const profileFile = join(folder, `profile-${mode}.cpuprofile`);
    const client = await stdioClient(mode, { ...env, [PROFILE_FILE_ENV]: profileFile });
    for (let index = 0; index < PROFILED_CALLS; index++) await client.call();
    await client.close();
    // The server writes its profile as it exits, just after the client closed its stdin.
    for (let waited = 0; waited < 200 && !existsSync(profileFile); waited++) await new Promise((resolve) => setTimeout(resolve, 25));
    await new Promise((resolve) => setTimeout(resolve, 100));
    return partsPerCall(JSON.parse(readFileSync(profileFile, 'utf8')) as CpuProfile, PROFILED_CALLS);
  };
  const stdioBare = await stdioServer('bare', {});
  const stdioReported = await stdioServer('locked', { [CHANNEL_ENV.address]: hub.address, [CHANNEL_ENV.token]: 'bench' });
  printTable(`Profile of the stdio server process over ${PROFILED_CALLS.toLocaleString('en-US')} calls, lock + events + reporter (idle is the wait for the client)`, partRows(stdioReported, stdioBare));
}

/** Nanoseconds one tool call spends on its lock: the context, one uncontended withLock, and its events to a listener. */
async function lockWorkPerCall(): Promise<number> {
  const locks = new ResourceLockMap();
  let lastType = '';
  locks.subscribe((event) => {
    lastType = event.type;
  });
  const signal = new AbortController().signal;
  const answer = { content: [] };
  let requestId = 0;
  const contestants: Array<readonly [string, CallTouch]> = [
    ['bare', async () => answer],
    ['locked', () => runWithLockContext({ owner: { tool: 'touch', requestId: ++requestId, sessionId: 'bench' }, signal }, () => locks.withLock('k', () => answer))],
  ];
  const rounds = await timedRounds(contestants, LOCK_WORK_CALLS);
  void lastType;
  return fastest(rounds.get('locked')!) - fastest(rounds.get('bare')!);
}

/**
 * A lock map stand-in that hands the reporter realistic events as fast as the bench asks. The events are built once
 * and handed out again and again, so the rate measures the reporter (and the hub), not the cost of making events.
 */
class EventFirehose implements LockEventSource {
  private listener: ((event: LockEvent) => void) | undefined;
  private readonly pool: LockEvent[] = Array.from({ length: EVENTS_PER_TURN }, (_, seq) => ({
    type: 'acquired',
    seq,
    atMs: performance.timeOrigin + performance.now() + seq / 100,
    chainId: seq >> 2,
    owner: { tool: 'transfer', requestId: seq >> 2, sessionId: 'stdio' },
    resource: `account:${seq % 64}`,
    mode: 'write',
    waitedMs: 0.0123,
  }));

  snapshot(): LockSnapshot {
    return { atMs: Date.now(), resources: [] };
  }

  subscribe(listener: (event: LockEvent) => void): () => void {
    this.listener = listener;
    return () => (this.listener = undefined);
  }

  emitPool(): void {
    const listener = this.listener!;
    for (const event of this.pool) listener(event);
  }
}

/** Events per second that reach `hub` when the reporter is fed as fast as its event loop turns allow. */
async function deliveryRate(hub: BenchHub): Promise<{ eventsPerSecond: number; note: string }> {
  const firehose = new EventFirehose();
  const reporter = new InspectorReporter(firehose, { address: hub.address, token: 'bench', label: 'bench' });
  while (!reporter.stats().connected) await new Promise((resolve) => setImmediate(resolve));
  const closed = hub.nextClose();
  let received = 0;
  const elapsedMs = await timeOnce(async () => {
    for (let emitted = 0; emitted < DELIVERY_EVENTS; ) {
      // Offer more only when the last offer is on its way, so the rate is what the pipeline sustains, not what it drops.
      if (reporter.stats().eventsBuffered === 0) {
        firehose.emitPool();
        emitted += EVENTS_PER_TURN;
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
    await reporter.close();
    received = await closed;
  });
  const { eventsDropped, eventsSent } = reporter.stats();
  if (received !== eventsSent) throw new Error(`The hub counted ${received} events but the reporter sent ${eventsSent}.`);
  return { eventsPerSecond: (received / elapsedMs) * 1000, note: `received ${received.toLocaleString('en-US')}, dropped ${eventsDropped.toLocaleString('en-US')}` };
}

async function bestDeliveryRate(hub: BenchHub): Promise<{ eventsPerSecond: number; note: string }> {
  let best = await deliveryRate(hub);
  for (let round = 1; round < DELIVERY_ROUNDS; round++) {
    const next = await deliveryRate(hub);
    if (next.eventsPerSecond > best.eventsPerSecond) best = next;
  }
  return best;
}

/** Prints both delivery rates (best of DELIVERY_ROUNDS runs); returns the one to a counting hub. */
async function delivery(countingHub: BenchHub, parsingHub: BenchHub): Promise<number> {
  const counted = await bestDeliveryRate(countingHub);
  const parsed = await bestDeliveryRate(parsingHub);
  printTable(`Reporter delivery, best of ${DELIVERY_ROUNDS} runs: ${DELIVERY_EVENTS.toLocaleString('en-US')} lock events offered ${EVENTS_PER_TURN} at a time whenever the reporter has sent the last ones, to a hub on another thread over a Unix socket`, [
    { label: 'goal', value: 1_000_000, unit: 'events/s' },
    { label: 'delivered to a hub that counts them', value: counted.eventsPerSecond, unit: 'events/s', versus: 'goal', target: '>= 1', note: counted.note },
    { label: 'delivered to a hub that JSON.parses each line', value: parsed.eventsPerSecond, unit: 'events/s', versus: 'goal', note: parsed.note },
  ]);
  return counted.eventsPerSecond;
}

async function main(): Promise<void> {
  const folder = mkdtempSync(join(tmpdir(), 'server-bench-'));
  const countingHub = await startHub(folder, 'count');
  const parsingHub = await startHub(folder, 'parse');
  try {
    const deliveredPerSecond = await delivery(countingHub, parsingHub);
    await roundTrips(countingHub, deliveredPerSecond);
    await callProfiles(countingHub, folder);
  } finally {
    await Promise.all([countingHub.stop(), parsingHub.stop()]);
    rmSync(folder, { recursive: true, force: true });
  }
}

void main().then(() => process.exit(0));

// Inspector benchmark: how fast the model ingests events, what a snapshot costs at 10,000 resources, and how many
// events a second the hub takes over a real socket, each against a baseline measured in the same run.
import { mkdtemp, rm } from 'node:fs/promises';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { WIRE_VERSION, type InspectorEvent } from '../extension/contract/wireFormat';
import { BoundedLineSplitter } from '../extension/contract/boundedLineSplitter';
import { parseInspectorEvent } from '../extension/contract/inspectorEventParser';
import { inspectorEventSchema } from '../extension/contract/wireSchema';
import { InspectorHub } from '../extension/inspector/inspectorHub';
import { InspectorModel } from '../extension/inspector/inspectorModel';
import { bestOfRounds, printTable, timeOnce } from './measure';

const REQUIRED_EVENTS_PER_SECOND = 10_000;
const INGEST_EVENTS = 200_000;
const BATCH = 200;
const SNAPSHOT_RESOURCES = 10_000;
const SNAPSHOTS = 50;
const SOCKET_EVENTS = 200_000;
// The reporter's default batch size, so the hub sees lines like the ones it gets in practice.
const SOCKET_BATCH = 2048;
const ROUNDS = 3;
const VALIDATED_EVENTS = 500_000;
const REQUIRED_VALIDATIONS_PER_SECOND = 1_000_000;

/** A realistic stream: tool calls that each take one of `resources` resources, some after a wait. */
function lockTraffic(count: number, resources: number): InspectorEvent[] {
  const events: InspectorEvent[] = [];
  let seq = 0;
  let atMs = Date.now();
  for (let call = 0; events.length < count; call++) {
    const owner = { tool: call % 3 === 0 ? 'transfer' : 'deposit', requestId: call, sessionId: 'bench' };
    const resource = `account:${call % resources}`;
    const waitedMs = call % 4 === 0 ? 3 + (call % 17) : 0;
    atMs += 0.1;
    events.push(
      { type: 'callStarted', seq: ++seq, atMs, owner },
      { type: 'requested', seq: ++seq, atMs, chainId: call, owner, resource, mode: 'write', queueDepth: waitedMs > 0 ? 1 : 0 },
      { type: 'acquired', seq: ++seq, atMs: atMs + waitedMs, chainId: call, owner, resource, mode: 'write', waitedMs },
      { type: 'released', seq: ++seq, atMs: atMs + waitedMs + 2, chainId: call, owner, resource, mode: 'write', heldMs: 2 },
      { type: 'callEnded', seq: ++seq, atMs: atMs + waitedMs + 3, owner, durationMs: waitedMs + 3, outcome: 'ok' },
    );
  }
  return events;
}

function ingestAll(model: InspectorModel, events: readonly InspectorEvent[]): void {
  for (let start = 0; start < events.length; start += BATCH) model.ingest('s1', events.slice(start, start + BATCH));
}

async function modelIngest(): Promise<void> {
  const events = lockTraffic(INGEST_EVENTS, 1000);
  const lines: string[] = [];
  for (let start = 0; start < events.length; start += BATCH) lines.push(JSON.stringify(events.slice(start, start + BATCH)));
  const perSecond = (ms: number) => INGEST_EVENTS / (ms / 1000);
  const best = await bestOfRounds(
    ROUNDS,
    [
      // What any consumer pays before the model sees an event: parsing the lines it came in.
      ['JSON.parse of the same batches', async () => perSecond(await timeOnce(async () => lines.forEach((line) => JSON.parse(line))))],
      ['model ingest (state, stats, history, warnings)', async () => perSecond(await timeOnce(async () => ingestAll(new InspectorModel(), events)))],
      [
        'model ingest with a subscriber',
        async () => {
          const model = new InspectorModel();
          model.subscribe(() => {});
          const rate = perSecond(await timeOnce(async () => ingestAll(model, events)));
          model.flushChanges();
          return rate;
        },
      ],
    ],
    'higher',
  );
  printTable(`Model ingest, ${INGEST_EVENTS.toLocaleString('en-US')} events in batches of ${BATCH} (best of ${ROUNDS})`, [
    { label: 'required (issue 5)', value: REQUIRED_EVENTS_PER_SECOND, unit: 'events/s' },
    { label: 'JSON.parse of the same batches', value: best.get('JSON.parse of the same batches') as number, unit: 'events/s' },
    ...['model ingest (state, stats, history, warnings)', 'model ingest with a subscriber'].map((label) => ({
      label,
      value: best.get(label) as number,
      unit: 'events/s',
      versus: 'required (issue 5)',
      target: '>= 10' as const,
    })),
  ]);
}

async function snapshotCost(): Promise<void> {
  const model = new InspectorModel({ maxResources: SNAPSHOT_RESOURCES });
  ingestAll(model, lockTraffic(SNAPSHOT_RESOURCES * 5, SNAPSHOT_RESOURCES));
  // A tenth of the resources busy, with a holder and a waiter.
  const busy: InspectorEvent[] = [];
  for (let index = 0; index < SNAPSHOT_RESOURCES; index += 10) {
    const resource = `account:${index}`;
    busy.push(
      { type: 'acquired', seq: 0, atMs: Date.now(), chainId: 1_000_000 + index, resource, mode: 'write', waitedMs: 0, owner: { tool: 'transfer' } },
      { type: 'requested', seq: 0, atMs: Date.now(), chainId: 2_000_000 + index, resource, mode: 'write', queueDepth: 1, owner: { tool: 'deposit' } },
    );
  }
  model.ingest('s1', busy);
  const resources = model.snapshot().resources.length;
  let tick = 0;
  const change = () => model.ingest('s1', [{ type: 'requested', seq: 0, atMs: Date.now(), chainId: 3_000_000 + tick++, resource: 'account:1', mode: 'write', queueDepth: 1 }]);
  const msPer = async (run: () => unknown) => (await timeOnce(async () => {
    for (let index = 0; index < SNAPSHOTS; index++) run();
  })) / SNAPSHOTS;
  const best = await bestOfRounds(
    ROUNDS,
    [
      // The views post each snapshot to a webview, which serialises it: the floor any snapshot pays.
      ['JSON.stringify of the snapshot', () => msPer(() => JSON.stringify(model.snapshot()))],
      ['snapshot after one change', () => msPer(() => { change(); model.snapshot(); })],
      ['snapshot, nothing changed', () => msPer(() => model.snapshot())],
    ],
    'lower',
  );
  printTable(`Snapshot cost at ${resources.toLocaleString('en-US')} resources (${SNAPSHOT_RESOURCES / 10} busy), best of ${ROUNDS}`, [
    { label: 'JSON.stringify of the snapshot', value: best.get('JSON.stringify of the snapshot') as number, unit: 'ms' },
    { label: 'snapshot after one change', value: best.get('snapshot after one change') as number, unit: 'ms', versus: 'JSON.stringify of the snapshot', target: '<= 1' },
    { label: 'snapshot, nothing changed', value: best.get('snapshot, nothing changed') as number, unit: 'ms', versus: 'JSON.stringify of the snapshot', target: '<= 0.1' },
  ]);
}

/** Sends `lines` over a fresh connection to `address` and resolves when `done()` says the far side has them all. */
async function pump(address: string, lines: readonly string[], done: () => boolean, hello?: string): Promise<void> {
  const socket = net.createConnection(address);
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  if (hello) socket.write(hello);
  for (const line of lines) {
    if (!socket.write(line)) await new Promise((resolve) => socket.once('drain', resolve));
  }
  while (!done()) await new Promise((resolve) => setImmediate(resolve));
  socket.destroy();
}

async function hubThroughput(): Promise<void> {
  const events = lockTraffic(SOCKET_EVENTS, 1000);
  const lines: string[] = [];
  for (let start = 0; start < events.length; start += SOCKET_BATCH) {
    lines.push(`${JSON.stringify({ v: WIRE_VERSION, type: 'events', events: events.slice(start, start + SOCKET_BATCH), dropped: 0 })}\n`);
  }
  const perSecond = (ms: number) => SOCKET_EVENTS / (ms / 1000);

  // Baseline: the same bytes over the same kind of socket into a server that only splits and parses lines.
  const bareServer = net.createServer();
  const bareDirectory = await mkdtemp(path.join(os.tmpdir(), 'inspector-bench-'));
  const bareAddress = process.platform === 'win32' ? `\\\\.\\pipe\\inspector-bench-${process.pid}` : path.join(bareDirectory, 'bare.sock');
  let bareEvents = 0;
  bareServer.on('connection', (socket) => {
    const splitter = new BoundedLineSplitter(16 * 1024 * 1024, (line) => (bareEvents += (JSON.parse(line) as { events: unknown[] }).events.length), () => {});
    socket.on('data', (chunk: Buffer) => splitter.push(chunk));
  });
  await new Promise<void>((resolve) => bareServer.listen(bareAddress, resolve));

  const best = await bestOfRounds(
    ROUNDS,
    [
      [
        'socket + line split + JSON.parse only',
        async () => {
          bareEvents = 0;
          return perSecond(await timeOnce(() => pump(bareAddress, lines, () => bareEvents >= SOCKET_EVENTS)));
        },
      ],
      [
        'hub: validate + model',
        async () => {
          const model = new InspectorModel();
          const hub = await InspectorHub.listen({ model });
          const hello = `${JSON.stringify({ v: WIRE_VERSION, type: 'hello', token: hub.token, pid: process.pid, label: 'bench' })}\n`;
          try {
            return perSecond(await timeOnce(() => pump(hub.address, lines, () => model.snapshot().totals.events >= SOCKET_EVENTS, hello)));
          } finally {
            await hub.dispose();
          }
        },
      ],
    ],
    'higher',
  );
  bareServer.close();
  await rm(bareDirectory, { recursive: true, force: true });
  printTable(`Hub over a real socket, ${SOCKET_EVENTS.toLocaleString('en-US')} events in lines of ${SOCKET_BATCH} (best of ${ROUNDS})`, [
    { label: 'required (issue 5)', value: REQUIRED_EVENTS_PER_SECOND, unit: 'events/s' },
    { label: 'socket + line split + JSON.parse only', value: best.get('socket + line split + JSON.parse only') as number, unit: 'events/s' },
    {
      label: 'hub: validate + model',
      value: best.get('hub: validate + model') as number,
      unit: 'events/s',
      versus: 'required (issue 5)',
      target: '>= 10',
      note: `${((best.get('hub: validate + model') as number) / (best.get('socket + line split + JSON.parse only') as number)).toFixed(2)}x the parse-only baseline`,
    },
  ]);
}

/** Events a second the hub's check of each reported event takes, on events as JSON.parse gives them. */
async function validation(): Promise<void> {
  const events = JSON.parse(JSON.stringify(lockTraffic(VALIDATED_EVENTS, 1000))) as unknown[];
  const rate = (check: (event: unknown) => unknown) => async (): Promise<number> => {
    const elapsedMs = await timeOnce(async () => {
      for (const event of events) if (check(event) === undefined) throw new Error('a valid event was refused');
    });
    return VALIDATED_EVENTS / (elapsedMs / 1000);
  };
  const best = await bestOfRounds(
    ROUNDS,
    [
      ['zod: inspectorEventSchema.safeParse', rate((event) => inspectorEventSchema.safeParse(event).data)],
      ['parseInspectorEvent (hot shapes by hand, the rest zod)', rate(parseInspectorEvent)],
    ],
    'higher',
  );
  printTable(`Validation of ${VALIDATED_EVENTS.toLocaleString('en-US')} reported events, alone (best of ${ROUNDS})`, [
    { label: 'required (issue 17)', value: REQUIRED_VALIDATIONS_PER_SECOND, unit: 'events/s' },
    { label: 'zod: inspectorEventSchema.safeParse', value: best.get('zod: inspectorEventSchema.safeParse') as number, unit: 'events/s', versus: 'required (issue 17)' },
    {
      label: 'parseInspectorEvent (hot shapes by hand, the rest zod)',
      value: best.get('parseInspectorEvent (hot shapes by hand, the rest zod)') as number,
      unit: 'events/s',
      versus: 'required (issue 17)',
      target: '>= 1',
    },
  ]);
}

async function main(): Promise<void> {
  await validation();
  await modelIngest();
  await snapshotCost();
  await hubThroughput();
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);

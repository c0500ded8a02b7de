import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import type { LostUpdateEvent } from '../../extension/contract/lockEvents';
import { CHANNEL_ENV, type CallEndedEvent, type CallStartedEvent } from '../../extension/contract/wireFormat';
import { fileStoreServerFolder, preloadBundles } from '../support/fileStoreFixture';
import { clientOptionsFor, type ProtocolEra } from '../support/sdk2Fixture';
import { startTestHub, type TestHub } from '../support/testHub';

const PARALLEL_CALLS = 40;
const CLIENT = { name: 'preload-sdk2', version: '2.0.0' };
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';

interface Burst {
  /** Items the store kept of the PARALLEL_CALLS added: PARALLEL_CALLS - kept writes were lost. */
  readonly kept: number;
  readonly lostUpdates: readonly LostUpdateEvent[];
  readonly callsStarted: readonly CallStartedEvent[];
  readonly callsEnded: readonly CallEndedEvent[];
}

// Issues 13 and 14: the preload hooks the copy of @modelcontextprotocol/server 2.x the server loads from its own
// node_modules (the fixture folder's own npm install, far from the preload's), McpServer and low-level Server, ESM
// and CommonJS, stdio and Streamable HTTP with a fresh server per request, both protocol revisions.
describe('the preload instruments an unmodified SDK 2.x server from its own node_modules', () => {
  let hub: TestHub;
  let serverFolder: string;
  let preload: { esm: string; cjs: string };
  const storeFolder = mkdtempSync(join(tmpdir(), 'file-store-sdk2-'));
  before(async () => {
    [hub, serverFolder, preload] = await Promise.all([startTestHub(), fileStoreServerFolder(), preloadBundles()]);
  });
  const diagnostics: string[] = [];
  after(async () => {
    console.log(diagnostics.join('\n'));
    await hub.dispose();
    rmSync(storeFolder, { recursive: true, force: true });
  });

  const serverEnv = (label: string, storageDelayMs = 50) => ({
    PATH: process.env['PATH'] ?? '',
    STORE_FILE: join(storeFolder, `${label}.json`),
    STORAGE_DELAY_MS: String(storageDelayMs),
    [CHANNEL_ENV.address]: hub.address,
    [CHANNEL_ENV.token]: 'test',
    [CHANNEL_ENV.label]: label,
  });

  /** Fires PARALLEL_CALLS addItem calls at once (the first with a traceparent) and collects what the hub got meanwhile. */
  async function burst(client: Client, label: string): Promise<Burst> {
    const before = hub.events().length;
    // Items of one length: the racing saves of one-item lists then write the same number of bytes, so two that
    // interleave cannot leave a longer save's tail behind and corrupt the JSON the ground truth is read from.
    const results = await Promise.all(
      Array.from({ length: PARALLEL_CALLS }, (_, index) =>
        client.callTool({ name: 'addItem', arguments: { item: `item ${String(index).padStart(2, '0')}` }, ...(index === 0 ? { _meta: { traceparent: `00-${TRACE_ID}-00f067aa0ba902b7-01` } } : {}) }),
      ),
    );
    assert.deepEqual(results.filter((result) => result.isError === true), []);
    const events = () => hub.events().slice(before);
    await hub.waitFor(() => events().filter((event) => event.type === 'callEnded').length >= PARALLEL_CALLS, `${PARALLEL_CALLS} callEnded events of ${label}`);
    return {
      kept: (JSON.parse(readFileSync(join(storeFolder, `${label}.json`), 'utf8')) as string[]).length,
      lostUpdates: events().filter((event): event is LostUpdateEvent => event.type === 'lostUpdate'),
      callsStarted: events().filter((event): event is CallStartedEvent => event.type === 'callStarted'),
      callsEnded: events().filter((event): event is CallEndedEvent => event.type === 'callEnded'),
    };
  }

  /** The burst's lost updates match the lost writes within 10%, and every call is reported once, owned as the 2.x instrumentation owns it. */
  function assertReported({ kept, lostUpdates, callsStarted, callsEnded }: Burst, label: string, transport: 'stdio' | 'http', era: ProtocolEra): void {
    const lostWrites = PARALLEL_CALLS - kept;
    diagnostics.push(`${label} (${era}): ${lostWrites} of ${PARALLEL_CALLS} writes lost, ${lostUpdates.length} lost updates reported`);
    assert.ok(lostWrites > PARALLEL_CALLS / 2, `${label}: the unlocked server should lose most writes, lost ${lostWrites}`);
    assert.ok(Math.abs(lostUpdates.length - lostWrites) <= 0.1 * lostWrites, `${label}: reported ${lostUpdates.length} lost updates for ${lostWrites} lost writes`);
    // Once each: hooked once, never twice.
    assert.equal(callsStarted.length, PARALLEL_CALLS);
    assert.equal(callsEnded.length, PARALLEL_CALLS);
    assert.equal(new Set(callsStarted.map((event) => event.owner.requestId)).size, PARALLEL_CALLS, 'a request id each');
    for (const { owner } of callsStarted) {
      assert.equal(owner.tool, 'addItem');
      // The client's info comes with every 2026-07-28 request, and with the 2025 initialize of a connection; a 2025
      // client over stateless HTTP sent it to another request's server.
      assert.equal(owner.caller, transport === 'http' && era === 'legacy' ? undefined : `${CLIENT.name}/${CLIENT.version}`);
      if (transport === 'stdio') assert.match(owner.connectionId ?? '', /^\d+$/);
      else assert.equal(owner.connectionId, undefined, 'no connection id over HTTP');
    }
    assert.deepEqual(
      callsStarted.filter((event) => event.owner.traceId !== undefined).map((event) => [event.owner.traceId, event.owner.spanId]),
      [[TRACE_ID, '00f067aa0ba902b7']],
    );
    const [first] = lostUpdates;
    assert.equal(first!.keyKind, 'file');
    assert.match(first!.key, new RegExp(`${label}\\.json$`));
    assert.equal(first!.owner?.tool, 'addItem');
    assert.notEqual(first!.owner?.requestId, first!.overwritten.owner?.requestId);
    assert.match(first!.staleWrite.location ?? '', /(storeTools\.js|sdk2LowLevelServer\.cjs):\d+:\d+$/);
  }

  async function overStdio(script: string, nodeArgs: readonly string[], era: ProtocolEra, label: string): Promise<Burst> {
    const transport = new StdioClientTransport({ command: process.execPath, args: [...nodeArgs, script], cwd: serverFolder, env: serverEnv(label), stderr: 'inherit' });
    const client = new Client(CLIENT, clientOptionsFor(era));
    await client.connect(transport);
    // No wait for a hello: serveStdio builds its server with the first request, and what the reporter it connects then
    // is given before the hub answers waits for it (with the 2026 revision the client's probe runs in a sibling process).
    try {
      return await burst(client, label);
    } finally {
      await client.close();
    }
  }

  for (const era of ['modern', 'legacy'] as const) {
    it(`ESM McpServer over stdio (serveStdio), ${era} revision`, async () => {
      const label = `stdio-${era}`;
      assertReported(await overStdio('sdk2Server.js', ['--import', preload.esm], era, label), label, 'stdio', era);
    });
  }

  it("owns the work of a call that became a task by the task's id, as instrumentMcpServer does", async () => {
    const label = 'tasks';
    const transport = new StdioClientTransport({ command: process.execPath, args: ['--import', preload.esm, 'sdk2Server.js'], cwd: serverFolder, env: serverEnv(label), stderr: 'inherit' });
    const client = new Client(CLIENT, clientOptionsFor('legacy'));
    await client.connect(transport);
    try {
      const before = hub.events().length;
      await Promise.all(Array.from({ length: 10 }, (_, index) => client.callTool({ name: 'addItemLater', arguments: { item: `item ${index}` } })));
      const lostUpdates = () => hub.events().slice(before).filter((event): event is LostUpdateEvent => event.type === 'lostUpdate');
      await hub.waitFor(() => lostUpdates().length >= 9, "the tasks' 9 lost updates");
      for (const { owner, overwritten } of lostUpdates()) {
        for (const writer of [owner, overwritten.owner]) {
          assert.equal(writer?.tool, 'addItemLater');
          assert.match(writer?.taskId ?? '', /^[0-9a-f-]{36}$/);
          assert.equal(writer?.requestId, undefined, 'the call that made the task had ended');
        }
      }
    } finally {
      await client.close();
    }
  });

  it('leaves a server alone that instruments itself: each call reported once, and the locked store loses nothing', async () => {
    const label = 'fixed';
    const { kept, lostUpdates, callsStarted } = await overStdio('sdk2ServerFixed.js', ['--import', preload.esm], 'modern', label);
    assert.equal(kept, PARALLEL_CALLS);
    assert.deepEqual(lostUpdates, []);
    assert.equal(callsStarted.length, PARALLEL_CALLS);
  });

  it('CommonJS low-level Server over stdio through --require', async () => {
    assertReported(await overStdio('sdk2LowLevelServer.cjs', ['--require', preload.cjs], 'legacy', 'cjs'), 'cjs', 'stdio', 'legacy');
  });

  it('ESM McpServer over Streamable HTTP with a fresh server per request (createMcpHandler), both revisions', async () => {
    // Each call is its own HTTP request: a longer "slow storage" lets all 40 read before the first writes, as over stdio,
    // so that every stale write loses exactly one write (the ground truth) and no read meets a half-written file.
    const child = spawn(process.execPath, ['--import', preload.esm, 'sdk2Server.js', '--http'], { cwd: serverFolder, env: serverEnv('http', 500), stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout! }).on('line', (line) => {
          const match = /listening on (http:\S+)/.exec(line);
          if (match) resolve(match[1]!);
        });
        void exited.then(() => reject(new Error('the 2.x file store exited before printing its URL')));
      });
      for (const era of ['modern', 'legacy'] as const) {
        rmSync(join(storeFolder, 'http.json'), { force: true });
        const client = new Client(CLIENT, clientOptionsFor(era));
        await client.connect(new StreamableHTTPClientTransport(new URL(url)));
        await hub.waitFor(() => hub.messages.some((message) => message.type === 'hello' && message.label === 'http'), 'the hello of the HTTP server');
        try {
          assertReported(await burst(client, 'http'), 'http', 'http', era);
        } finally {
          await client.close();
        }
      }
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  });
});

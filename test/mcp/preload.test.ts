import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { LostUpdateEvent } from '../../extension/contract/lockEvents';
import { CHANNEL_ENV, type CallEndedEvent } from '../../extension/contract/wireFormat';
import { fileStoreServerFolder, preloadBundles, writeServerFixedByCodeAction } from '../support/fileStoreFixture';
import { startTestHub, type TestHub } from '../support/testHub';

const PARALLEL_CALLS = 40;

interface Burst {
  /** Items the store kept of the PARALLEL_CALLS added: the ground truth is PARALLEL_CALLS - kept lost writes. */
  readonly kept: number;
  readonly lostUpdates: readonly LostUpdateEvent[];
  readonly callsEnded: readonly CallEndedEvent[];
}

describe('the preload instruments an unmodified server from its own node_modules (node --import mcp-lock-inspector/register)', () => {
  let hub: TestHub;
  let serverFolder: string;
  let preload: { esm: string; cjs: string };
  const storeFolder = mkdtempSync(join(tmpdir(), 'file-store-'));
  before(async () => {
    [hub, serverFolder, preload] = await Promise.all([startTestHub(), fileStoreServerFolder(), preloadBundles()]);
  });
  after(async () => {
    await hub.dispose();
    rmSync(storeFolder, { recursive: true, force: true });
  });

  /** Launches `script` with `nodeArgs`, fires PARALLEL_CALLS addItem calls at once through the SDK client, and collects what the hub got from it. */
  async function burst(script: string, nodeArgs: readonly string[], label: string): Promise<Burst> {
    const storeFile = join(storeFolder, `${label}.json`);
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [...nodeArgs, script],
      cwd: serverFolder,
      env: { PATH: process.env['PATH'] ?? '', STORE_FILE: storeFile, [CHANNEL_ENV.address]: hub.address, [CHANNEL_ENV.token]: 'test', [CHANNEL_ENV.label]: label },
      stderr: 'inherit',
    });
    const client = new Client({ name: 'preload-test', version: '1.0.0' });
    await client.connect(transport);
    try {
      await hub.waitFor(() => hub.messages.some((message) => message.type === 'hello' && message.label === label), `the hello of ${label}`);
      const before = hub.events().length;
      // Items of one length, so two racing saves of one-item lists cannot leave a longer one's tail in the file.
      const results = await Promise.all(Array.from({ length: PARALLEL_CALLS }, (_, index) => client.callTool({ name: 'addItem', arguments: { item: `item ${String(index).padStart(2, '0')}` } })));
      assert.ok(results.every((result) => result.isError !== true));
      // One server at a time: what arrived since its burst began is its own.
      const events = () => hub.events().slice(before);
      await hub.waitFor(() => events().filter((event) => event.type === 'callEnded').length === PARALLEL_CALLS, `${PARALLEL_CALLS} callEnded events of ${label}`);
      const kept = (JSON.parse(readFileSync(storeFile, 'utf8')) as string[]).length;
      return {
        kept,
        lostUpdates: events().filter((event): event is LostUpdateEvent => event.type === 'lostUpdate'),
        callsEnded: events().filter((event): event is CallEndedEvent => event.type === 'callEnded'),
      };
    } finally {
      await client.close();
    }
  }

  it('reports as many lost updates as the file store lost writes (within 10%), each naming both calls and the three sites', async (t) => {
    const { kept, lostUpdates, callsEnded } = await burst('server.js', ['--import', preload.esm], 'esm');
    const lostWrites = PARALLEL_CALLS - kept;
    t.diagnostic(`ESM server: ${lostWrites} of ${PARALLEL_CALLS} writes lost, ${lostUpdates.length} lost updates reported`);
    assert.ok(lostWrites > PARALLEL_CALLS / 2, `the unlocked server should lose most writes, lost ${lostWrites}`);
    assert.ok(Math.abs(lostUpdates.length - lostWrites) <= 0.1 * lostWrites, `reported ${lostUpdates.length} lost updates for ${lostWrites} lost writes`);
    assert.deepEqual(new Set(callsEnded.map((event) => event.owner.tool)), new Set(['addItem']));
    const [first] = lostUpdates;
    assert.equal(first.keyKind, 'file');
    assert.match(first.key, /esm\.json$/);
    assert.equal(first.owner?.tool, 'addItem');
    assert.equal(first.owner?.sessionId, 'stdio');
    assert.notEqual(first.owner?.requestId, first.overwritten.owner?.requestId);
    assert.match(first.read.location ?? '', /storeTools\.js:\d+:\d+$/);
    assert.match(first.staleWrite.location ?? '', /storeTools\.js:\d+:\d+$/);
  });

  it("reports none for the same server with the editor's code action applied (its edits, computed on the racy source), which loses none", async () => {
    const fixedServer = writeServerFixedByCodeAction(serverFolder);
    try {
      const { kept, lostUpdates, callsEnded } = await burst(fixedServer, ['--import', preload.esm], 'fixed');
      assert.equal(kept, PARALLEL_CALLS);
      assert.equal(callsEnded.length, PARALLEL_CALLS);
      assert.deepEqual(lostUpdates, []);
    } finally {
      rmSync(join(serverFolder, dirname(fixedServer)), { recursive: true, force: true });
    }
  });

  it('instruments a CommonJS server on the low-level Server through --require', async (t) => {
    const { kept, lostUpdates, callsEnded } = await burst('lowLevelServer.cjs', ['--require', preload.cjs], 'cjs');
    const lostWrites = PARALLEL_CALLS - kept;
    t.diagnostic(`CommonJS server: ${lostWrites} of ${PARALLEL_CALLS} writes lost, ${lostUpdates.length} lost updates reported`);
    assert.ok(lostWrites > 0);
    assert.ok(Math.abs(lostUpdates.length - lostWrites) <= 0.1 * lostWrites, `reported ${lostUpdates.length} lost updates for ${lostWrites} lost writes`);
    assert.equal(callsEnded.length, PARALLEL_CALLS);
  });
});

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Client as Sdk1Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport as Sdk1StdioTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import type { CallStartedEvent } from '../../extension/contract/wireFormat';
import { adviceWarnings } from '../../extension/inspector/advice/adviceWarnings';
import { InspectorHub } from '../../extension/inspector/inspectorHub';
import { InspectorModel } from '../../extension/inspector/inspectorModel';
import { fileStoreServerFolder, preloadBundles } from '../support/fileStoreFixture';
import { clientOptionsFor } from '../support/sdk2Fixture';

const PARALLEL_CALLS = 20;
const CALLS_IN_TURN = 3;

/** What this test uses of a client of either SDK line. */
interface ToolClient {
  listTools(): Promise<{ tools: Array<{ name: string; annotations?: unknown }> }>;
  callTool(params: { name: string; arguments: Record<string, unknown> }): Promise<unknown>;
}

// Issue 18: the tool annotations a server lists reach the inspector with each call, through the hub's validation into
// the model, and a tool annotated readOnlyHint that writes is named. The unmodified file stores run under the preload.
describe('tool annotations reach the inspector, and a read-only tool that writes is named', () => {
  let hub: InspectorHub;
  let model: InspectorModel;
  let serverFolder: string;
  let preload: { esm: string; cjs: string };
  const storeFolder = mkdtempSync(join(tmpdir(), 'annotations-'));
  before(async () => {
    model = new InspectorModel();
    [hub, serverFolder, preload] = await Promise.all([InspectorHub.listen({ model }), fileStoreServerFolder(), preloadBundles()]);
  });
  after(async () => {
    await hub.dispose();
    rmSync(storeFolder, { recursive: true, force: true });
  });

  /** Waits until `calls` calls of `tool` from the server labelled `label` reached the model (they are reported in batches). */
  async function endsReached(label: string, tool: string, calls: number) {
    const ended = () => model.history().filter((event) => event.type === 'callEnded' && event.owner.tool === tool && sourceLabel(event.sourceId) === label).length;
    for (const giveUpAt = Date.now() + 10_000; ended() < calls; await new Promise((resolve) => setTimeout(resolve, 10))) {
      assert.ok(Date.now() < giveUpAt, `${label}: ${ended()} of ${calls} ${tool} calls reached the model in 10 s`);
    }
  }

  /** The read-only-tool-writes warning about `tool` of the server labelled `label`, if any. */
  const violationOf = (label: string, tool: string) =>
    adviceWarnings(model.history()).find((candidate) => candidate.advice === 'readOnlyViolation' && candidate.tool === tool && sourceLabel(candidate.sourceId) === label);

  /** Lists the tools, fires PARALLEL_CALLS countItems at once, and returns the warning about it once they all ended. */
  async function countInParallel(client: ToolClient, label: string) {
    const { tools } = await client.listTools();
    assert.deepEqual(tools.find((tool) => tool.name === 'countItems')?.annotations, { readOnlyHint: true });
    await Promise.all(Array.from({ length: PARALLEL_CALLS }, () => client.callTool({ name: 'countItems', arguments: {} })));
    await endsReached(label, 'countItems', PARALLEL_CALLS);
    const starts = model.history().filter((event): event is CallStartedEvent & { sourceId: string } => event.type === 'callStarted' && sourceLabel(event.sourceId) === label);
    assert.deepEqual(new Set(starts.map((event) => JSON.stringify(event.annotations))), new Set([JSON.stringify({ readOnlyHint: true })]));
    return violationOf(label, 'countItems');
  }

  /**
   * Calls listItems CALLS_IN_TURN times, one after another: each writes the store's `.lastLook` file blindly, so no
   * update is lost, yet the tool annotated read-only wrote shared state and is named for it.
   */
  async function listInTurn(client: ToolClient, label: string) {
    for (let call = 0; call < CALLS_IN_TURN; call++) await client.callTool({ name: 'listItems', arguments: {} });
    await endsReached(label, 'listItems', CALLS_IN_TURN);
    const lostUpdates = model.history().filter((event) => event.type === 'lostUpdate' && sourceLabel(event.sourceId) === label && event.key.endsWith('.lastLook'));
    assert.deepEqual(lostUpdates, [], 'no update of the .lastLook file is lost: only the call ends tell of its writes');
    const warning = violationOf(label, 'listItems');
    assert.match(
      warning?.message ?? '',
      new RegExp(`^Read-only tool writes: listItems is annotated readOnlyHint: true, yet in ${CALLS_IN_TURN} calls it made ${CALLS_IN_TURN} writes of tracked shared state \\('[^']*${label}\\.json\\.lastLook'\\)\\.`),
    );
  }

  const sourceLabel = (sourceId: string) => model.snapshot().sources.find((source) => source.id === sourceId)?.label;

  const serverEnv = (label: string) => ({ PATH: process.env['PATH'] ?? '', STORE_FILE: join(storeFolder, `${label}.json`), ...hub.envFor(label, 'external') });

  it('SDK 1.x McpServer, through the 1.x client', async () => {
    const client = new Sdk1Client({ name: 'annotations-test', version: '1.0.0' });
    await client.connect(new Sdk1StdioTransport({ command: process.execPath, args: ['--import', preload.esm, 'annotatedServer.js'], cwd: serverFolder, env: serverEnv('sdk1'), stderr: 'inherit' }));
    try {
      const warning = await countInParallel(client, 'sdk1');
      assert.equal(warning?.tool, 'countItems');
      assert.match(warning?.message ?? '', /^Read-only tool writes: countItems is annotated readOnlyHint: true, yet in 20 calls it made 20 writes of tracked shared state \('.*sdk1\.json\.views'\)/);
      await listInTurn(client, 'sdk1');
    } finally {
      await client.close();
    }
  });

  it('SDK 2.x McpServer, through the 2.x client (2026-07-28)', async () => {
    const client = new Client({ name: 'annotations-test', version: '2.0.0' }, clientOptionsFor('modern'));
    await client.connect(new StdioClientTransport({ command: process.execPath, args: ['--import', preload.esm, 'sdk2Server.js'], cwd: serverFolder, env: serverEnv('sdk2'), stderr: 'inherit' }));
    try {
      const warning = await countInParallel(client, 'sdk2');
      assert.match(warning?.message ?? '', /^Read-only tool writes: countItems is annotated readOnlyHint: true, yet in 20 calls it made 20 writes of tracked shared state \('.*sdk2\.json\.views'\)/);
      await listInTurn(client, 'sdk2');
    } finally {
      await client.close();
    }
  });
});

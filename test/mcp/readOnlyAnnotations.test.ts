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

  /** Lists the tools, fires PARALLEL_CALLS countItems at once, and returns the model's history once they all ended. */
  async function countInParallel(client: ToolClient, label: string) {
    const { tools } = await client.listTools();
    assert.deepEqual(tools.find((tool) => tool.name === 'countItems')?.annotations, { readOnlyHint: true });
    await Promise.all(Array.from({ length: PARALLEL_CALLS }, () => client.callTool({ name: 'countItems', arguments: {} })));
    const ended = () => model.history().filter((event) => event.type === 'callEnded' && event.owner.tool === 'countItems' && sourceLabel(event.sourceId) === label).length;
    for (const giveUpAt = Date.now() + 10_000; ended() < PARALLEL_CALLS; await new Promise((resolve) => setTimeout(resolve, 10))) {
      assert.ok(Date.now() < giveUpAt, `${label}: ${ended()} of ${PARALLEL_CALLS} countItems calls reached the model in 10 s`);
    }
    const starts = model.history().filter((event): event is CallStartedEvent & { sourceId: string } => event.type === 'callStarted' && sourceLabel(event.sourceId) === label);
    assert.deepEqual(new Set(starts.map((event) => JSON.stringify(event.annotations))), new Set([JSON.stringify({ readOnlyHint: true })]));
    const warning = adviceWarnings(model.history()).find((candidate) => candidate.advice === 'readOnlyViolation' && sourceLabel(candidate.sourceId) === label);
    return warning;
  }

  const sourceLabel = (sourceId: string) => model.snapshot().sources.find((source) => source.id === sourceId)?.label;

  const serverEnv = (label: string) => ({ PATH: process.env['PATH'] ?? '', STORE_FILE: join(storeFolder, `${label}.json`), ...hub.envFor(label, 'external') });

  it('SDK 1.x McpServer, through the 1.x client', async () => {
    const client = new Sdk1Client({ name: 'annotations-test', version: '1.0.0' });
    await client.connect(new Sdk1StdioTransport({ command: process.execPath, args: ['--import', preload.esm, 'annotatedServer.js'], cwd: serverFolder, env: serverEnv('sdk1'), stderr: 'inherit' }));
    try {
      const warning = await countInParallel(client, 'sdk1');
      assert.equal(warning?.tool, 'countItems');
      assert.match(warning?.message ?? '', /^Read-only tool writes: countItems is annotated readOnlyHint: true, yet in 20 calls it made \d+ writes of tracked shared state \('.*sdk1\.json\.views'\)/);
    } finally {
      await client.close();
    }
  });

  it('SDK 2.x McpServer, through the 2.x client (2026-07-28)', async () => {
    const client = new Client({ name: 'annotations-test', version: '2.0.0' }, clientOptionsFor('modern'));
    await client.connect(new StdioClientTransport({ command: process.execPath, args: ['--import', preload.esm, 'sdk2Server.js'], cwd: serverFolder, env: serverEnv('sdk2'), stderr: 'inherit' }));
    try {
      const warning = await countInParallel(client, 'sdk2');
      assert.match(warning?.message ?? '', /^Read-only tool writes: countItems is annotated readOnlyHint: true, yet in 20 calls it made \d+ writes of tracked shared state \('.*sdk2\.json\.views'\)/);
    } finally {
      await client.close();
    }
  });
});

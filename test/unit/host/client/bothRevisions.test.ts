import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { StreamableHTTPClientTransport, type Client } from '@modelcontextprotocol/client';
import { runParallelToolCalls } from '../../../../extension/host/client/parallelToolCalls';
import { createMcpClient, ServerProcess } from '../../../../extension/host/client/serverProcess';
import { serverBundle, startHttpServer } from '../../../mcp/serverProcess';
import { fixtureEnv, sdk2FixtureBundle, startSdk2Http, type Sdk2HttpFixture } from '../../../support/sdk2Fixture';

const CLIENT_INFO = { name: 'mcp-lock-inspector', version: '0.1.0' };
const MODERN = '2026-07-28';

/** The text of a tool result's first part. */
const firstText = (result: unknown) => ((result as { content: Array<{ text: string }> }).content[0]!).text;

/** The balances the bundled demo server's audit tool sums. */
async function demoTotal(client: Client): Promise<number> {
  return ((await client.callTool({ name: 'audit', arguments: {} })).structuredContent as { total: number }).total;
}

/** 100 parallel deposits of 1 through the extension's parallel-call runner: all succeed and all are kept. */
async function depositsKept(client: Client): Promise<void> {
  const { tools } = await client.listTools();
  assert.ok(tools.some((tool) => tool.name === 'deposit'), `the demo's tools: ${tools.map((tool) => tool.name).join(', ')}`);
  const before = await demoTotal(client);
  const outcome = await runParallelToolCalls(client, { tool: 'deposit', arguments: { account: 'alice', amount: 1 }, count: 100, concurrency: 20 });
  assert.deepEqual([outcome.ok, outcome.errors, outcome.cancelled], [100, 0, 0]);
  assert.equal(await demoTotal(client), before + 100);
}

/** 200 parallel transfers on the 2.x fixture: all succeed and money is conserved. */
async function transfersConserve(client: Client): Promise<void> {
  const { tools } = await client.listTools();
  assert.deepEqual(tools.map((tool) => tool.name).sort(), ['audit', 'get_balance', 'total', 'transfer', 'transfer_later']);
  const before = Number(firstText(await client.callTool({ name: 'total', arguments: {} })));
  const outcome = await runParallelToolCalls(client, { tool: 'transfer', arguments: { from: 'a0', to: 'a1', amount: 1 }, count: 200, concurrency: 20 });
  assert.deepEqual([outcome.ok, outcome.errors, outcome.cancelled], [200, 0, 0]);
  assert.equal(Number(firstText(await client.callTool({ name: 'total', arguments: {} }))), before);
}

// Issue 14: the extension's own MCP client (ServerProcess over the child's stdio, createMcpClient over HTTP, the
// parallel-call runner) speaks with a 1.x server (2025 initialize) and a 2.x server (2026-07-28, no initialize).
describe("the extension's MCP client with servers of both SDK lines and both protocol revisions", () => {
  it('the bundled demo (SDK 1.x) over stdio: the 2025 handshake', async () => {
    const server = await ServerProcess.start({ command: process.execPath, args: [await serverBundle()], env: fixtureEnv() }, { clientInfo: CLIENT_INFO });
    try {
      assert.match(server.client.getNegotiatedProtocolVersion() ?? '', /^2025-/);
      await depositsKept(server.client);
    } finally {
      await server.stop();
    }
  });

  it('the bundled demo (SDK 1.x) over Streamable HTTP with sessions: the 2025 handshake', async () => {
    const server = await startHttpServer();
    const client = createMcpClient(CLIENT_INFO);
    try {
      await client.connect(new StreamableHTTPClientTransport(new URL(server.url)));
      assert.match(client.getNegotiatedProtocolVersion() ?? '', /^2025-/);
      await depositsKept(client);
    } finally {
      await client.close();
      await server.stop();
    }
  });

  it('the SDK 2.x fixture over stdio (serveStdio): 2026-07-28 without initialize', async () => {
    const server = await ServerProcess.start({ command: process.execPath, args: [await sdk2FixtureBundle(), '--accounts', '4'], env: fixtureEnv() }, { clientInfo: CLIENT_INFO });
    try {
      assert.equal(server.client.getNegotiatedProtocolVersion(), MODERN);
      await transfersConserve(server.client);
    } finally {
      await server.stop();
    }
  });

  describe('the SDK 2.x fixture over Streamable HTTP (createMcpHandler, a fresh server per request)', () => {
    let fixture: Sdk2HttpFixture;
    before(async () => {
      fixture = await startSdk2Http();
    });
    after(() => fixture.stop());

    it('2026-07-28 without initialize', async () => {
      const client = createMcpClient(CLIENT_INFO);
      try {
        await client.connect(new StreamableHTTPClientTransport(new URL(fixture.url)));
        assert.equal(client.getNegotiatedProtocolVersion(), MODERN);
        await transfersConserve(client);
      } finally {
        await client.close();
      }
    });
  });
});

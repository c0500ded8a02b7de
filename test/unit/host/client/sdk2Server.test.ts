import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { runParallelToolCalls } from '../../../../extension/host/client/parallelToolCalls';
import { ServerProcess } from '../../../../extension/host/client/serverProcess';
import { fixtureEnv, sdk2FixtureBundle } from '../../../support/sdk2Fixture';

// The extension's own client (ServerProcess over the child's stdio, parallel calls, the tool list) against a server on
// @modelcontextprotocol/server 2.x, as a user's "own server" setting would start it; serveStdio answers its 2025 handshake.
describe("the extension's MCP client with an SDK 2.x server", () => {
  let server: ServerProcess;
  before(async () => {
    server = await ServerProcess.start(
      { command: process.execPath, args: [await sdk2FixtureBundle(), '--accounts', '4'], env: fixtureEnv() },
      { clientInfo: { name: 'mcp-lock-inspector', version: '0.1.0' } },
    );
  });
  after(() => server.stop());

  it('lists the tools and runs 200 parallel transfers that conserve money', async () => {
    const { tools } = await server.client.listTools();
    assert.deepEqual(tools.map((tool) => tool.name).sort(), ['audit', 'get_balance', 'total', 'transfer', 'transfer_later']);
    const outcome = await runParallelToolCalls(server.client, { tool: 'transfer', arguments: { from: 'a0', to: 'a1', amount: 1 }, count: 200, concurrency: 20 });
    assert.deepEqual([outcome.ok, outcome.errors, outcome.cancelled], [200, 0, 0]);
    const total = await server.client.callTool({ name: 'total', arguments: {} });
    assert.equal((total.content as Array<{ text: string }>)[0]!.text, '4000');
    const balance = await server.client.callTool({ name: 'get_balance', arguments: { account: 'a1' } });
    assert.equal((balance.content as Array<{ text: string }>)[0]!.text, '1200');
  });
});

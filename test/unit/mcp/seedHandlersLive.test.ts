import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { LoggingMessageNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { ResourceLockMap } from '../../../extension/locks';
import { instrumentMcpServer, LOCK_LOGGER } from '../../../extension/mcp/instrumentMcpServer';
import { counters, registerSeedTools } from '../../fixtures/seedHandlers/seedHandlers';

const CALLS = 10;

describe("the seed's handlers, live", () => {
  it('only badHandler is reported, as MCP logging warnings naming the lost update, as many as increments it lost', async () => {
    const server = new McpServer({ name: 'seed', version: '1.0.0' });
    registerSeedTools(server);
    instrumentMcpServer(server, new ResourceLockMap(), { reporter: null });
    const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
    const client = new Client({ name: 'seed-test', version: '1.0.0' });
    const warnings: Array<{ message: string; event: { type: string; owner?: { tool?: string } } }> = [];
    client.setNotificationHandler(LoggingMessageNotificationSchema, (notification) => {
      if (notification.params.logger === LOCK_LOGGER) warnings.push(notification.params.data as (typeof warnings)[number]);
    });
    await server.connect(serverTransport);
    await client.connect(clientTransport);
    const lostBy: Record<string, number> = {};
    for (const tool of ['bad', 'good', 'safe']) {
      const before = counters.requestCount;
      await Promise.all(Array.from({ length: CALLS }, () => client.callTool({ name: tool })));
      lostBy[tool] = CALLS - (counters.requestCount - before);
    }
    await client.close();
    assert.deepEqual(lostBy, { bad: CALLS - 1, good: 0, safe: 0 });
    const lostUpdates = warnings.filter((warning) => warning.event.type === 'lostUpdate');
    assert.equal(lostUpdates.length, CALLS - 1);
    assert.ok(lostUpdates.every((warning) => warning.event.owner?.tool === 'bad'));
    assert.match(lostUpdates[0].message, /^Lost update: bad #\d+ wrote 'counters\.requestCount' at .*seedHandlers\.ts:\d+:\d+ from what it read/);
  });
});

// @ts-nocheck: a fixture VS Code opens in the test workspace, analysed as source text and never compiled here.
// A small MCP server with two tools whose handlers take locks, for code lenses and source analysis.
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import * as z from 'zod';
import { ResourceLockMap } from 'mcp-lock-inspector/locks';

const locks = new ResourceLockMap();
const stock = new Map<string, number>();
const server = new McpServer({ name: 'inventory', version: '1.0.0' });

server.registerTool('reserve_item', { inputSchema: { sku: z.string(), quantity: z.number().int().positive() } }, async ({ sku, quantity }) =>
  locks.withLock(`sku:${sku}`, async () => {
    const available = stock.get(sku) ?? 0;
    if (available < quantity) return { content: [{ type: 'text', text: `only ${available} of ${sku} left` }], isError: true };
    stock.set(sku, available - quantity);
    return { content: [{ type: 'text', text: `reserved ${quantity} of ${sku}` }] };
  }),
);

server.registerTool('restock_item', { inputSchema: { sku: z.string(), quantity: z.number().int().positive() } }, async ({ sku, quantity }) =>
  locks.withLock(`sku:${sku}`, async () => {
    stock.set(sku, (stock.get(sku) ?? 0) + quantity);
    return { content: [{ type: 'text', text: `${sku}: ${stock.get(sku)} in stock` }] };
  }),
);

export { server };

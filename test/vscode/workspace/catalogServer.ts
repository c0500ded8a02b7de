// @ts-nocheck: a fixture VS Code opens in the test workspace, analysed as source text and never compiled here.
// A server whose list_products only reads under a read lock and is not annotated readOnlyHint yet.
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import * as z from 'zod';
import { ResourceLockMap } from 'mcp-lock-inspector/locks';

const locks = new ResourceLockMap();
const products = new Map<string, number>();
const server = new McpServer({ name: 'catalog', version: '1.0.0' });

server.registerTool(
  'list_products',
  {
    description: 'Lists the products and their prices',
    inputSchema: { prefix: z.string() },
  },
  async ({ prefix }) =>
    locks.withLock('catalog', async () => ({ content: [{ type: 'text', text: [...products.keys()].filter((name) => name.startsWith(prefix)).join('\n') }] }), { mode: 'read' }),
);

export { server };

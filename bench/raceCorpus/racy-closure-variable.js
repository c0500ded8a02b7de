// label: racy: a closure variable of the server factory
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
const server = new McpServer({ name: 'corpus', version: '1.0.0' });
async function work() {
  await new Promise((resolve) => setImmediate(resolve));
}
export function createServer() {
  let total = 0;
  server.registerTool('add', {}, async ({ amount }) => {
    const before = total;
    await work();
    total = before + amount;
    return { content: [] };
  });
  return server;
}

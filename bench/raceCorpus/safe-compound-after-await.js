// label: safe: a compound assignment after the await reads and writes at once
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
const server = new McpServer({ name: 'corpus', version: '1.0.0' });
let total = 0;
async function work() {
  await new Promise((resolve) => setImmediate(resolve));
}
server.registerTool('add', {}, async ({ amount }) => {
  await work();
  total += amount;
  return { content: [] };
});

// label: safe: a write after the await that reads nothing
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
const server = new McpServer({ name: 'corpus', version: '1.0.0' });
let lastSeenMs = 0;
async function work() {
  await new Promise((resolve) => setImmediate(resolve));
}
server.registerTool('ping', {}, async () => {
  await work();
  lastSeenMs = Date.now();
  return { content: [] };
});

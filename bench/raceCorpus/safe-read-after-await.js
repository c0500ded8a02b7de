// label: safe: the read comes after the await
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
const server = new McpServer({ name: 'corpus', version: '1.0.0' });
let requestCount = 0;
async function work() {
  await new Promise((resolve) => setImmediate(resolve));
}
server.registerTool('count', {}, async () => {
  await work();
  const current = requestCount;
  requestCount = current + 1;
  return { content: [] };
});

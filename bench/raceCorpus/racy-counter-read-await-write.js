// label: racy: a module counter read into a local, awaited, written back
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
const server = new McpServer({ name: 'corpus', version: '1.0.0' });
let requestCount = 0;
async function work() {
  await new Promise((resolve) => setImmediate(resolve));
}
server.registerTool('count', {}, async () => {
  const current = requestCount;
  await work();
  requestCount = current + 1;
  return { content: [] };
});

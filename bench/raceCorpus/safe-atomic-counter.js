// label: safe: update, then capture: ++ before the await
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
const server = new McpServer({ name: 'corpus', version: '1.0.0' });
let requestCount = 0;
async function work() {
  await new Promise((resolve) => setImmediate(resolve));
}
server.registerTool('count', {}, async () => {
  const mine = ++requestCount;
  await work();
  return { content: [{ type: 'text', text: String(mine) }] };
});

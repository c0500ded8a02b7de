// label: racy: a field of a long-lived object
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
const server = new McpServer({ name: 'corpus', version: '1.0.0' });
const stats = { calls: 0 };
async function work() {
  await new Promise((resolve) => setImmediate(resolve));
}
server.registerTool('hit', {}, async () => {
  const calls = stats.calls;
  await work();
  stats.calls = calls + 1;
  return { content: [] };
});

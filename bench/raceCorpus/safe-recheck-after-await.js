// label: safe: compare-and-set: the value is re-read after the await
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
const server = new McpServer({ name: 'corpus', version: '1.0.0' });
const versions = new Map();
async function work() {
  await new Promise((resolve) => setImmediate(resolve));
}
server.registerTool('bump', {}, async ({ key }) => {
  const before = versions.get(key) ?? 0;
  await work();
  const now = versions.get(key) ?? 0;
  if (now === before) versions.set(key, now + 1);
  return { content: [] };
});

// label: racy: check, await, act: two calls both create (the write is not derived from the value read)
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
const server = new McpServer({ name: 'corpus', version: '1.0.0' });
const sessions = new Map();
async function work() {
  await new Promise((resolve) => setImmediate(resolve));
}
server.registerTool('open', {}, async ({ id }) => {
  if (!sessions.has(id)) {
    await work();
    sessions.set(id, { openedAt: Date.now() });
  }
  return { content: [] };
});

// label: safe: the span inside withLock
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
const server = new McpServer({ name: 'corpus', version: '1.0.0' });
import { ResourceLockMap } from 'mcp-lock-inspector/locks';
const locks = new ResourceLockMap();
let requestCount = 0;
async function work() {
  await new Promise((resolve) => setImmediate(resolve));
}
server.registerTool('count', {}, async () => {
  await locks.withLock('requestCount', async () => {
    const current = requestCount;
    await work();
    requestCount = current + 1;
  });
  return { content: [] };
});

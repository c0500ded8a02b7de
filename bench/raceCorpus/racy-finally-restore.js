// label: racy: a value read before the await written back in a finally block
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
const server = new McpServer({ name: 'corpus', version: '1.0.0' });
const cache = { value: 0 };
async function work() {
  await new Promise((resolve) => setImmediate(resolve));
}
server.registerTool('refresh', {}, async () => {
  const previous = cache.value;
  try {
    await work();
  } finally {
    cache.value = previous + 1;
  }
  return { content: [] };
});

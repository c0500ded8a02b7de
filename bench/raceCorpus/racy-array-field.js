// label: racy: an array field replaced by a copy made before the await
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
const server = new McpServer({ name: 'corpus', version: '1.0.0' });
const queue = { items: [] };
async function work() {
  await new Promise((resolve) => setImmediate(resolve));
}
server.registerTool('enqueue', {}, async ({ item }) => {
  const list = queue.items;
  await work();
  queue.items = list.concat(item);
  return { content: [] };
});

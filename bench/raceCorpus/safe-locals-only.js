// label: safe: state created inside the handler is not shared
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
const server = new McpServer({ name: 'corpus', version: '1.0.0' });
async function work() {
  await new Promise((resolve) => setImmediate(resolve));
}
server.registerTool('collect', {}, async ({ first, second }) => {
  const items = [];
  items.push(first);
  const count = items.length;
  await work();
  items.push(second);
  return { content: [{ type: 'text', text: String(count + items.length) }] };
});

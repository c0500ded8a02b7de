// label: safe: read before the await, but the write does not use it (last writer wins, nothing merged is lost)
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
const server = new McpServer({ name: 'corpus', version: '1.0.0' });
let status = 'idle';
async function work() {
  await new Promise((resolve) => setImmediate(resolve));
}
server.registerTool('finish', {}, async () => {
  const previous = status;
  await work();
  status = 'done';
  return { content: [{ type: 'text', text: previous }] };
});

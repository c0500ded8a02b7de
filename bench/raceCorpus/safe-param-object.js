// label: safe: the request's own arguments are not shared
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
const server = new McpServer({ name: 'corpus', version: '1.0.0' });
async function work() {
  await new Promise((resolve) => setImmediate(resolve));
}
server.registerTool('normalize', {}, async (args) => {
  const name = args.name;
  await work();
  args.name = name.trim();
  return { content: [{ type: 'text', text: args.name }] };
});

// label: safe: a property of a local object assigned after await (eslint/eslint#11899)
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
const server = new McpServer({ name: 'corpus', version: '1.0.0' });
async function compute() {
  return 42;
}
server.registerTool('compute', {}, async () => {
  const result = {};
  result.value = await compute();
  return { content: [{ type: 'text', text: String(result.value) }] };
});

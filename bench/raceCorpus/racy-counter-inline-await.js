// label: racy: the read and the await in one expression
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
const server = new McpServer({ name: 'corpus', version: '1.0.0' });
let total = 0;
async function fetchDelta() {
  return 1;
}
server.registerTool('add', {}, async () => {
  total = total + (await fetchDelta());
  return { content: [] };
});

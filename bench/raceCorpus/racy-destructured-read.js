// label: racy: a destructured read of a field
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
const server = new McpServer({ name: 'corpus', version: '1.0.0' });
const state = { count: 0 };
async function work() {
  await new Promise((resolve) => setImmediate(resolve));
}
server.registerTool('bump', {}, async () => {
  const { count } = state;
  await work();
  state.count = count + 1;
  return { content: [] };
});

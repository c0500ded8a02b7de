// label: safe: an active-call counter: ++ before, -- in finally
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
const server = new McpServer({ name: 'corpus', version: '1.0.0' });
let active = 0;
async function work() {
  await new Promise((resolve) => setImmediate(resolve));
}
server.registerTool('slow', {}, async () => {
  active++;
  try {
    await work();
  } finally {
    active--;
  }
  return { content: [] };
});

// label: racy: a counter updated from a stale copy in a loop
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
const server = new McpServer({ name: 'corpus', version: '1.0.0' });
let processed = 0;
async function work() {
  await new Promise((resolve) => setImmediate(resolve));
}
server.registerTool('batch', {}, async ({ batch }) => {
  for (const entry of batch) {
    const count = processed;
    await work(entry);
    processed = count + 1;
  }
  return { content: [] };
});

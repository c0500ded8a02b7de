// label: racy: a low-level tools/call handler
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
const server = new McpServer({ name: 'corpus', version: '1.0.0' });
import { CallToolRequestSchema } from '@modelcontextprotocol/sdk/types.js';
let invocations = 0;
async function work() {
  await new Promise((resolve) => setImmediate(resolve));
}
server.server.setRequestHandler(CallToolRequestSchema, async () => {
  const seen = invocations;
  await work();
  invocations = seen + 1;
  return { content: [] };
});

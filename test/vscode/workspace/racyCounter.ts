import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';

const server = new McpServer({ name: 'racy-counter', version: '1.0.0' });
let requestCount = 0;

async function doWork(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 10));
}

server.registerTool('count', {}, async () => {
  const current = requestCount;
  await doWork();
  requestCount = current + 1;
  return { content: [{ type: 'text', text: String(current + 1) }] };
});

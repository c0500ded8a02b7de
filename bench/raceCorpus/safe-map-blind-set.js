// label: safe: a map entry set from the request alone
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
const server = new McpServer({ name: 'corpus', version: '1.0.0' });
const sessions = new Map();
async function work() {
  await new Promise((resolve) => setImmediate(resolve));
}
server.registerTool('login', {}, async ({ id, user }) => {
  await work();
  sessions.set(id, { user });
  return { content: [] };
});

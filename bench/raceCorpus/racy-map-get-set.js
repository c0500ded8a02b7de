// label: racy: Map#get, await, Map#set on one key
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
const server = new McpServer({ name: 'corpus', version: '1.0.0' });
const balances = new Map();
async function work() {
  await new Promise((resolve) => setImmediate(resolve));
}
server.registerTool('deposit', {}, async ({ id, amount }) => {
  const balance = balances.get(id) ?? 0;
  await work();
  balances.set(id, balance + amount);
  return { content: [] };
});

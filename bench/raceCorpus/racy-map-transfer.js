// label: racy: two keys read, one await, both written
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
const server = new McpServer({ name: 'corpus', version: '1.0.0' });
const balances = new Map();
async function work() {
  await new Promise((resolve) => setImmediate(resolve));
}
server.registerTool('transfer', {}, async ({ from, to, amount }) => {
  const source = balances.get(from);
  const target = balances.get(to);
  await work();
  balances.set(from, source - amount);
  balances.set(to, target + amount);
  return { content: [] };
});

// label: racy: a map entry copied with changes from the stale entry
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
const server = new McpServer({ name: 'corpus', version: '1.0.0' });
const accounts = new Map();
async function work() {
  await new Promise((resolve) => setImmediate(resolve));
}
server.registerTool('withdraw', {}, async ({ id, amount }) => {
  const account = accounts.get(id);
  await work();
  accounts.set(id, { ...account, balance: account.balance - amount });
  return { content: [] };
});

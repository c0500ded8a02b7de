// label: safe: both keys under withLocks
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
const server = new McpServer({ name: 'corpus', version: '1.0.0' });
import { ResourceLockMap } from 'mcp-lock-inspector/locks';
const locks = new ResourceLockMap();
const balances = new Map();
async function work() {
  await new Promise((resolve) => setImmediate(resolve));
}
server.registerTool('transfer', {}, async ({ from, to, amount }) => {
  await locks.withLocks([`account:${from}`, `account:${to}`], async () => {
    const source = balances.get(from);
    const target = balances.get(to);
    await work();
    balances.set(from, source - amount);
    balances.set(to, target + amount);
  });
  return { content: [] };
});

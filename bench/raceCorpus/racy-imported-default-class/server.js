// label: racy: a default-imported class kept in a module variable assigned at startup; its Map entry is read, awaited, written
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import Ledger from './ledger.js';
const server = new McpServer({ name: 'corpus', version: '1.0.0' });
let ledger;
function start() {
  ledger = new Ledger();
}
start();
server.registerTool('deposit', {}, async ({ account, amount }) => {
  await ledger.deposit(account, amount);
  return { content: [] };
});

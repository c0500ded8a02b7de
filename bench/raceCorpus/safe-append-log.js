// label: safe: appending is not a read-modify-write
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
const server = new McpServer({ name: 'corpus', version: '1.0.0' });
import { appendFile } from 'node:fs/promises';
const logFile = 'audit.log';
async function work() {
  await new Promise((resolve) => setImmediate(resolve));
}
server.registerTool('audit', {}, async ({ line }) => {
  await work();
  await appendFile(logFile, `${line}\n`);
  return { content: [] };
});

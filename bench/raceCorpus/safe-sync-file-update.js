// label: safe: read and write with no await between them
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
const server = new McpServer({ name: 'corpus', version: '1.0.0' });
import { readFileSync, writeFileSync } from 'node:fs';
const dbFile = 'db.json';
async function work() {
  await new Promise((resolve) => setImmediate(resolve));
}
server.registerTool('tag', {}, async ({ tag }) => {
  const db = JSON.parse(readFileSync(dbFile, 'utf8'));
  db.tags.push(tag);
  writeFileSync(dbFile, JSON.stringify(db));
  await work();
  return { content: [] };
});

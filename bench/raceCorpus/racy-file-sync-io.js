// label: racy: synchronous read and write with an await between
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
const server = new McpServer({ name: 'corpus', version: '1.0.0' });
import { readFileSync, writeFileSync } from 'node:fs';
const dbFile = 'db.json';
async function work() {
  await new Promise((resolve) => setImmediate(resolve));
}
server.registerTool('tag', {}, async ({ tag }) => {
  const db = JSON.parse(readFileSync(dbFile, 'utf8'));
  await work();
  db.tags.push(tag);
  writeFileSync(dbFile, JSON.stringify(db));
  return { content: [] };
});

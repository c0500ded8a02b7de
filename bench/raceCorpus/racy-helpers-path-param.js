// label: racy: load(path) and save(path, data) helpers called with one path constant
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
const server = new McpServer({ name: 'corpus', version: '1.0.0' });
import { readFile, writeFile } from 'node:fs/promises';
const DB_FILE = 'db.json';
async function work() {
  await new Promise((resolve) => setImmediate(resolve));
}
async function load(path) {
  return JSON.parse(await readFile(path, 'utf8'));
}
async function save(path, data) {
  await writeFile(path, JSON.stringify(data));
}
server.registerTool('vote', {}, async ({ option }) => {
  const db = await load(DB_FILE);
  db[option] = (db[option] ?? 0) + 1;
  await work();
  await save(DB_FILE, db);
  return { content: [] };
});

// label: racy: a JSON file loaded, modified, awaited, saved
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
const server = new McpServer({ name: 'corpus', version: '1.0.0' });
import { readFile, writeFile } from 'node:fs/promises';
const storeFile = 'store.json';
async function work() {
  await new Promise((resolve) => setImmediate(resolve));
}
server.registerTool('addItem', {}, async ({ item }) => {
  const items = JSON.parse(await readFile(storeFile, 'utf8'));
  items.push(item);
  await work();
  await writeFile(storeFile, JSON.stringify(items));
  return { content: [] };
});

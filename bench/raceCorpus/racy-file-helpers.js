// label: racy: a load/save helper pair around an await
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
const server = new McpServer({ name: 'corpus', version: '1.0.0' });
import { readFile, writeFile } from 'node:fs/promises';
const storeFile = 'store.json';
async function work() {
  await new Promise((resolve) => setImmediate(resolve));
}
async function loadStore() {
  return JSON.parse(await readFile(storeFile, 'utf8'));
}
async function saveStore(store) {
  await writeFile(storeFile, JSON.stringify(store));
}
server.registerTool('rename', {}, async ({ id, name }) => {
  const store = await loadStore();
  store[id] = name;
  await work();
  await saveStore(store);
  return { content: [] };
});

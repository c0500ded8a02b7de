// label: safe: the file store under one lock
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
const server = new McpServer({ name: 'corpus', version: '1.0.0' });
import { readFile, writeFile } from 'node:fs/promises';
import { ResourceLockMap } from 'mcp-lock-inspector/locks';
const locks = new ResourceLockMap();
const storeFile = 'store.json';
async function work() {
  await new Promise((resolve) => setImmediate(resolve));
}
server.registerTool('addItem', {}, async ({ item }) => {
  await locks.withLock('file:store.json', async () => {
    const items = JSON.parse(await readFile(storeFile, 'utf8'));
    items.push(item);
    await work();
    await writeFile(storeFile, JSON.stringify(items));
  });
  return { content: [] };
});

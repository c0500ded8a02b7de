// label: safe: a class whose method takes the store's lock
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
const server = new McpServer({ name: 'corpus', version: '1.0.0' });
import { ResourceLockMap } from 'mcp-lock-inspector/locks';
async function work() {
  await new Promise((resolve) => setImmediate(resolve));
}
class Store {
  items = [];
  locks = new ResourceLockMap();
  async add(item) {
    await this.locks.withLock('store', async () => {
      const items = this.items;
      await work();
      this.items = [...items, item];
    });
  }
}
const store = new Store();
server.registerTool('add', {}, async ({ item }) => {
  await store.add(item);
  return { content: [] };
});

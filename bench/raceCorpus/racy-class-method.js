// label: racy: a class-based store: a field read and written across an await in a method
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
const server = new McpServer({ name: 'corpus', version: '1.0.0' });
async function work() {
  await new Promise((resolve) => setImmediate(resolve));
}
class Store {
  items = [];
  async add(item) {
    const items = this.items;
    await work();
    this.items = [...items, item];
  }
}
const store = new Store();
server.registerTool('add', {}, async ({ item }) => {
  await store.add(item);
  return { content: [] };
});

// label: racy: an instance exported by another module, whose method reads a field, awaits, then writes it
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { store } from './store.js';
const server = new McpServer({ name: 'corpus', version: '1.0.0' });
server.registerTool('add', {}, async ({ item }) => {
  const count = await store.add(item);
  return { content: [{ type: 'text', text: String(count) }] };
});

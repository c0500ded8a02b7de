// label: safe: an imported instance that only reads in one tool and writes blind in another
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { notes } from './notes.js';
const server = new McpServer({ name: 'corpus', version: '1.0.0' });
server.registerTool('search', {}, async ({ query }) => {
  const found = await notes.search(query);
  return { content: [{ type: 'text', text: found.join('\n') }] };
});
server.registerTool('clear', {}, async () => {
  await notes.clear();
  return { content: [] };
});

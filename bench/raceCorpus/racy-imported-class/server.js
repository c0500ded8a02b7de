// label: racy: an imported class's method loads and saves its file through this.path, with awaits between
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { KnowledgeGraphManager } from './graph.js';
const server = new McpServer({ name: 'corpus', version: '1.0.0' });
const manager = new KnowledgeGraphManager('memory.json');
server.registerTool('create_entities', {}, async ({ entities }) => {
  const added = await manager.createEntities(entities);
  return { content: [{ type: 'text', text: JSON.stringify(added) }] };
});

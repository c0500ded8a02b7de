// label: safe: an imported class whose method takes the file's lock itself
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { KnowledgeGraphManager } from './graph.js';
const server = new McpServer({ name: 'corpus', version: '1.0.0' });
const manager = new KnowledgeGraphManager('memory.json');
server.registerTool('create_entities', {}, async ({ entities }) => {
  await manager.createEntities(entities);
  return { content: [] };
});

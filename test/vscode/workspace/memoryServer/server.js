// A memory server whose handlers reach their state only through class instances from other modules.
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { KnowledgeGraphManager } from './graph.js';
import { ledger } from './ledger.js';

const server = new McpServer({ name: 'memory', version: '1.0.0' });
const manager = new KnowledgeGraphManager('memory.json');

server.registerTool('create_entities', {}, async ({ entities }) => {
  const created = await manager.createEntities(entities);
  await ledger.record({ kind: 'create', count: created.length });
  return { content: [{ type: 'text', text: JSON.stringify(created) }] };
});

// label: safe: the same imported class, every call of it inside withLock
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { ResourceLockMap } from 'mcp-lock-inspector/locks';
import { KnowledgeGraphManager } from './graph.js';
const server = new McpServer({ name: 'corpus', version: '1.0.0' });
const locks = new ResourceLockMap();
const manager = new KnowledgeGraphManager('memory.json');
server.registerTool('create_entities', {}, async ({ entities }) => {
  const added = await locks.withLock('file:memory.json', () => manager.createEntities(entities));
  return { content: [{ type: 'text', text: JSON.stringify(added) }] };
});

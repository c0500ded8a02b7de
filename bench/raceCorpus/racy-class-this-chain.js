// label: racy: manager.createEntities() into the class body, load and save through this
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
const server = new McpServer({ name: 'corpus', version: '1.0.0' });
import { readFile, writeFile } from 'node:fs/promises';
const memoryFile = 'memory.json';
class KnowledgeGraphManager {
  async loadGraph() {
    return JSON.parse(await readFile(memoryFile, 'utf8'));
  }
  async saveGraph(graph) {
    await writeFile(memoryFile, JSON.stringify(graph));
  }
  async createEntities(entities) {
    const graph = await this.loadGraph();
    graph.entities.push(...entities);
    await this.saveGraph(graph);
    return entities;
  }
}
const manager = new KnowledgeGraphManager();
server.registerTool('create_entities', {}, async ({ entities }) => {
  await manager.createEntities(entities);
  return { content: [] };
});

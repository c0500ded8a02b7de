// The knowledge-graph store, taking its own lock around each load-change-save.
import { readFile, writeFile } from 'node:fs/promises';
import { ResourceLockMap } from 'mcp-lock-inspector/locks';

export class KnowledgeGraphManager {
  locks = new ResourceLockMap();
  constructor(path) {
    this.path = path;
  }
  async loadGraph() {
    return JSON.parse(await readFile(this.path, 'utf8'));
  }
  async saveGraph(graph) {
    await writeFile(this.path, JSON.stringify(graph));
  }
  async createEntities(entities) {
    return this.locks.withLock(`file:${this.path}`, async () => {
      const graph = await this.loadGraph();
      graph.entities.push(...entities);
      await this.saveGraph(graph);
      return entities;
    });
  }
}

// The knowledge-graph store of a file-backed memory server: load the whole file, change it, save it back.
import { readFile, writeFile } from 'node:fs/promises';

export class KnowledgeGraphManager {
  constructor(path) {
    this.path = path;
  }
  async loadGraph() {
    try {
      return JSON.parse(await readFile(this.path, 'utf8'));
    } catch {
      return { entities: [], relations: [] };
    }
  }
  async saveGraph(graph) {
    await writeFile(this.path, JSON.stringify(graph));
  }
  async createEntities(entities) {
    const graph = await this.loadGraph();
    graph.entities.push(...entities);
    await this.saveGraph(graph);
    return entities;
  }
}

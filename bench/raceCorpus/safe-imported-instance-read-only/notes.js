// A notes store: searching reads the file; clearing writes it blind, from nothing it read.
import { readFile, writeFile } from 'node:fs/promises';

class Notes {
  constructor(path) {
    this.path = path;
  }
  async search(query) {
    const notes = JSON.parse(await readFile(this.path, 'utf8'));
    return notes.filter((note) => note.includes(query));
  }
  async clear() {
    await writeFile(this.path, '[]');
  }
}
export const notes = new Notes('notes.json');

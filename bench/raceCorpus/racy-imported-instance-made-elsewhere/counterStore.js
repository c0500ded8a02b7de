// The class, in a module of its own.
import { readFile, writeFile } from 'node:fs/promises';

export class CounterStore {
  file = 'counters.json';
  async increment(name) {
    const counters = JSON.parse(await readFile(this.file, 'utf8'));
    counters[name] = (counters[name] ?? 0) + 1;
    await writeFile(this.file, JSON.stringify(counters));
    return counters[name];
  }
}

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The committed corpus of labelled tool handlers that the race bench and the analysis tests measure. */
export const RACE_CORPUS_FOLDER = resolve(__dirname, '../../bench/raceCorpus');

/** One labelled handler: a file, or a folder whose `server.js` holds the handler and imports the folder's other modules. */
export interface RaceCorpusCase {
  /** The file or folder name in the corpus: `racy-map-get-set.js`, `racy-imported-class`. */
  readonly name: string;
  /** The absolute path of the file with the handler (relative imports resolve from it). */
  readonly fileName: string;
  readonly text: string;
  readonly racy: boolean;
}

/** Every case of the corpus, by name; each handler file's first line is `// label: racy: why` or `// label: safe: why`. */
export function raceCorpusCases(): RaceCorpusCase[] {
  return readdirSync(RACE_CORPUS_FOLDER)
    .sort()
    .flatMap((name) => {
      const path = join(RACE_CORPUS_FOLDER, name);
      const fileName = statSync(path).isDirectory() ? join(path, 'server.js') : path;
      if (!fileName.endsWith('.js')) return [];
      const text = readFileSync(fileName, 'utf8');
      const label = /^\/\/ label: (racy|safe):/.exec(text)?.[1];
      if (label === undefined) throw new Error(`${fileName}: the first line must be "// label: racy: why" or "// label: safe: why".`);
      return [{ name, fileName, text, racy: label === 'racy' }];
    });
}

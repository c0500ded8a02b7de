import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { ModuleText } from './sourceResolver';

/** Extensions tried, in order, for an import written without one (or with `.js` standing for a `.ts` file). */
const SOURCE_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];

/**
 * Reads the file a relative import names, the way TypeScript and Node find it: as written, with `.js`
 * standing for `.ts`, with a source extension added, or as a folder's `index`. Undefined for packages and missing files.
 */
export function readRelativeModule(importingFileName: string, specifier: string): ModuleText | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const base = resolve(dirname(importingFileName), specifier);
  const withoutJsExtension = base.replace(/\.(m|c)?jsx?$/, '');
  const candidates = [
    base,
    ...SOURCE_EXTENSIONS.map((extension) => withoutJsExtension + extension),
    ...SOURCE_EXTENSIONS.map((extension) => `${base}/index${extension}`),
  ];
  for (const fileName of candidates) {
    try {
      return { fileName, text: readFileSync(fileName, 'utf8') };
    } catch {
      // Not this candidate (missing, or a folder); try the next.
    }
  }
  return undefined;
}

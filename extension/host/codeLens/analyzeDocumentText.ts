import type { SourceAnalysis } from './analyzeSource';
import { readRelativeModule } from './readRelativeModule';

// The analyser pulls in the TypeScript compiler (megabytes of code), so it loads with the first document that needs it, not at activation.
let analyzer: Promise<typeof import('./analyzeSource')> | undefined;

/** Larger texts (bundles, minified code) are not analysed: they would cost seconds and are rarely where a handler is written. */
export const MAX_ANALYSED_CHARS = 3_000_000;

/** Starts loading the analyser now, so the first file opened gets its lenses in well under a second. */
export function preloadAnalyzer(): void {
  analyzer ??= import('./analyzeSource');
}

/** Analyses a document's text with the TypeScript-based finder (relative imports followed for files on disk); undefined when the text is too large. */
export async function analyzeDocumentText(fileName: string, text: string, isOnDisk: boolean): Promise<SourceAnalysis | undefined> {
  if (text.length > MAX_ANALYSED_CHARS) return undefined;
  analyzer ??= import('./analyzeSource');
  const { analyzeSource } = await analyzer;
  return analyzeSource(fileName, text, isOnDisk ? { readModule: readRelativeModule } : {});
}

import type { SourceAnalysis } from './analyzeSource';
import { readRelativeModule } from './readRelativeModule';

// The analyser pulls in the TypeScript compiler (megabytes of code), so it loads with the first document that needs it, not at activation.
let analyzer: Promise<typeof import('./analyzeSource')> | undefined;

/** Analyses a document's text with the TypeScript-based finder; relative imports are followed for files on disk. */
export async function analyzeDocumentText(fileName: string, text: string, isOnDisk: boolean): Promise<SourceAnalysis> {
  analyzer ??= import('./analyzeSource');
  const { analyzeSource } = await analyzer;
  return analyzeSource(fileName, text, isOnDisk ? { readModule: readRelativeModule } : {});
}

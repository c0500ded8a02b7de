/** What one extension-host run reports back to runTests.ts, in a file next to the compiled mocha entry. */
export interface VsCodeRunResults {
  readonly passed: number;
  readonly failed: number;
  readonly pending: number;
}

/** Name of that file. */
export const resultsFileName = 'results.json';

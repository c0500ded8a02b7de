import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';
import { findTestFiles } from './harness/findTestFiles';
import { resultsFileName, type VsCodeRunResults } from './harness/runResults';

/** Called by the extension host: runs every compiled `*.test.js` under this entry's suite/ folder with mocha. */
export async function run(): Promise<void> {
  const resultsPath = join(__dirname, resultsFileName);
  rmSync(resultsPath, { force: true });
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 30_000 });
  const grep = process.env.LOCK_INSPECTOR_VSCODE_GREP;
  if (grep) mocha.grep(grep);
  for (const file of findTestFiles(join(__dirname, 'suite'), '.test.js')) mocha.addFile(file);
  const results = await new Promise<VsCodeRunResults>((resolve) => {
    const runner = mocha.run(() => resolve({ passed: runner.stats?.passes ?? 0, failed: runner.stats?.failures ?? 0, pending: runner.stats?.pending ?? 0 }));
  });
  writeFileSync(resultsPath, JSON.stringify(results));
  if (results.failed > 0) throw new Error(`${results.failed} extension-host test(s) failed`);
}

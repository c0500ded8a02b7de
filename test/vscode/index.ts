import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';
import { resultsFileName, type VsCodeRunResults } from './harness/runResults';

function findTestFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.test.js'))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

/** Called by the extension host: runs every compiled `*.test.js` under this entry's suite/ folder with mocha. */
export async function run(): Promise<void> {
  const resultsPath = join(__dirname, resultsFileName);
  rmSync(resultsPath, { force: true });
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 30_000 });
  const grep = process.env.LOCK_INSPECTOR_VSCODE_GREP;
  if (grep) mocha.grep(grep);
  for (const file of findTestFiles(join(__dirname, 'suite'))) mocha.addFile(file);
  const results = await new Promise<VsCodeRunResults>((resolve) => {
    const runner = mocha.run(() => resolve({ passed: runner.stats?.passes ?? 0, failed: runner.stats?.failures ?? 0, pending: runner.stats?.pending ?? 0 }));
  });
  writeFileSync(resultsPath, JSON.stringify(results));
  if (results.failed > 0) throw new Error(`${results.failed} extension-host test(s) failed`);
}

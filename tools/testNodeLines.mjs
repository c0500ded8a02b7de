// `npm run test:node-lines`: the library, server and CLI tests (test/unit/{locks,mcp,demoServer,cli}, test/mcp) on
// the machine's Node and on each LTS line of tools/nodeLines.mjs (installed into .cache/ on first use), one after the
// other. Exit code 0 only when every line passed; a summary line per Node version at the end.
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ensureNodeLines } from './nodeLines.mjs';
import { progress, repoRoot, runCommand, runWhenMain, secondsSince } from './processes.mjs';

/** The folders whose tests must pass on every supported Node line: what users run, not the editor's parts. */
const FOLDERS = ['test/unit/locks', 'test/unit/mcp', 'test/unit/demoServer', 'test/unit/cli', 'test/mcp'];

function testFiles() {
  return FOLDERS.flatMap((folder) =>
    readdirSync(join(repoRoot, folder), { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile() && entry.name.endsWith('.test.ts'))
      .map((entry) => relative(repoRoot, join(entry.parentPath, entry.name))),
  ).sort();
}

async function main() {
  const files = testFiles();
  const runtimes = [{ label: `machine's node ${process.version}`, binary: process.execPath }];
  for (const { version, binary } of await ensureNodeLines()) runtimes.push({ label: `node v${version}`, binary });
  const outcomes = [];
  for (const { label, binary } of runtimes) {
    const startMs = Date.now();
    progress(`${label}: ${files.length} test files`);
    const code = await runCommand(binary, ['--import', 'tsx', '--test', '--test-timeout=180000', ...files]);
    outcomes.push({ label, code, took: secondsSince(startMs) });
  }
  console.log('\ntest:node-lines summary:');
  for (const { label, code, took } of outcomes) console.log(`  ${code === 0 ? 'ok  ' : 'FAIL'} ${label} (${took})`);
  return outcomes.every(({ code }) => code === 0) ? 0 : 1;
}

runWhenMain(import.meta.url, async () => {
  process.exitCode = await main();
});

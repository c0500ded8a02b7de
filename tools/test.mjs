// `npm test`: sets up a fresh machine (Debian packages, npm packages, the VS Code runtime), builds, then runs every
// test runner the project has. A failing runner does not stop the later ones; the summary at the end lists each.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureCodeServerRuntime } from './codeServerRuntime.mjs';
import { ensureNpmDeps } from './ensureNpmDeps.mjs';
import { ensureSystemDeps } from './ensureSystemDeps.mjs';
import { progress, repoRoot, runCommand, secondsSince } from './processes.mjs';

/** npm scripts run after the build, in this order, each only when package.json defines it. */
const testScripts = ['typecheck', 'lint', 'test:unit', 'test:faults', 'test:e2e', 'test:conformance', 'test:node-lines', 'test:replicas', 'test:vscode'];

async function main() {
  const startMs = Date.now();
  await ensureSystemDeps();
  await ensureNpmDeps();
  await ensureCodeServerRuntime();

  progress('build: node esbuild.mjs');
  if ((await runCommand(process.execPath, ['esbuild.mjs'])) !== 0) {
    console.error('build failed: no tests were run');
    return 1;
  }

  const { scripts } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
  const outcomes = [];
  for (const script of testScripts.filter((name) => scripts[name])) {
    const stepStartMs = Date.now();
    progress(`npm run ${script}`);
    const code = await runCommand('npm', ['run', '--silent', script]);
    outcomes.push({ script, code, took: secondsSince(stepStartMs) });
  }

  console.log('\nnpm test summary:');
  for (const { script, code, took } of outcomes) console.log(`  ${code === 0 ? 'ok  ' : 'FAIL'} ${script} (${took})`);
  const failed = outcomes.filter(({ code }) => code !== 0);
  console.log(failed.length === 0 ? `all ${outcomes.length} steps passed in ${secondsSince(startMs)}` : `${failed.length} of ${outcomes.length} steps failed: ${failed.map(({ script }) => script).join(', ')}`);
  // The last line, in the plain form CI reads, so a runner's own closing line (the conformance suite counts its
  // baselined failures) is never taken for the verdict.
  console.log(`steps: ${outcomes.length - failed.length} passed, ${failed.length} failed`);
  return failed.length === 0 ? 0 : 1;
}

process.exitCode = await main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  return 1;
});

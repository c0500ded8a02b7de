// Runs the extension-host mocha suites in a real VS Code (code-server) through @vscode/test-electron's runTests():
// first against the development folder, then against the packaged .vsix installed into a fresh extensions folder.
// Usage: npm run test:vscode -- [--dev-only] [--grep REGEX]   (the last line says `vscode: N passed, M failed`)
import { runTests } from '@vscode/test-electron';
import * as esbuild from 'esbuild';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { packageVsix } from '../../tools/packageVsix.mjs';
import { fileStoreServerFolder } from '../support/fileStoreFixture';
import { findTestFiles } from './harness/findTestFiles';
import { resultsFileName, type VsCodeRunResults } from './harness/runResults';

const repoRoot = resolve(__dirname, '..', '..');
const testHostExecutable = join(repoRoot, 'tools', 'codeServerTestHost.mjs');
const workspaceTemplate = join(repoRoot, 'test', 'vscode', 'workspace');

/** One extension-host run: the test sources it compiles, where to, and what VS Code loads for it. */
interface SuiteRun {
  readonly name: string;
  readonly sourceDir: string;
  readonly outDir: string;
  readonly prepare: () => Promise<{ extensionDevelopmentPath: string; launchArgs: string[] }>;
}

const { values: options } = parseArgs({
  options: {
    'dev-only': { type: 'boolean', default: false },
    grep: { type: 'string' },
  },
});

/** Compiles the mocha entry to `outDir`/index.js and each test file to `outDir`/suite/, as CommonJS for the extension host. */
async function compileSuite({ sourceDir, outDir }: SuiteRun, testFiles: readonly string[]): Promise<void> {
  rmSync(outDir, { recursive: true, force: true });
  await esbuild.build({
    entryPoints: [
      { in: join(repoRoot, 'test', 'vscode', 'index.ts'), out: 'index' },
      ...testFiles.map((file) => ({ in: file, out: join('suite', relative(sourceDir, file).replace(/\.ts$/, '')) })),
    ],
    outdir: outDir,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode', 'mocha'],
    logLevel: 'warning',
  });
}

/** A development "extension" that contributes nothing, so the extension under test comes only from the installed vsix. */
function emptyDevelopmentExtension(parentDir: string): string {
  const dir = join(parentDir, 'empty-development-extension');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'empty-test-host', publisher: 'lock-inspector-tests', version: '0.0.0', engines: { vscode: '*' } }));
  return dir;
}

async function runSuite(run: SuiteRun, workspace: string): Promise<VsCodeRunResults | undefined> {
  const testFiles = findTestFiles(run.sourceDir, '.test.ts');
  console.log(`\n--- extension-host tests: ${run.name} (${testFiles.length} files) ---`);
  const startMs = Date.now();
  // Any failure here (compiling, packaging, the run itself) leaves no results file, which counts as a failed run.
  try {
    await compileSuite(run, testFiles);
    const { extensionDevelopmentPath, launchArgs } = await run.prepare();
    await runTests({
      vscodeExecutablePath: testHostExecutable,
      extensionDevelopmentPath,
      extensionTestsPath: join(run.outDir, 'index.js'),
      launchArgs: [...launchArgs, workspace],
      extensionTestsEnv: options.grep ? { LOCK_INSPECTOR_VSCODE_GREP: options.grep } : {},
    });
  } catch (error) {
    console.error(`${run.name}: ${error instanceof Error ? error.message : error}`);
  }
  console.log(`${run.name}: ${((Date.now() - startMs) / 1000).toFixed(1)} s`);
  const resultsPath = join(run.outDir, resultsFileName);
  const results = existsSync(resultsPath) ? (JSON.parse(readFileSync(resultsPath, 'utf8')) as VsCodeRunResults) : undefined;
  rmSync(run.outDir, { recursive: true, force: true });
  return results;
}

async function main(): Promise<number> {
  const scratchDir = mkdtempSync(join(tmpdir(), 'lock-inspector-tests-'));
  const workspace = join(scratchDir, 'workspace');
  cpSync(workspaceTemplate, workspace, { recursive: true });
  // The unmodified file-store server with its own install, for the lost-update suite.
  cpSync(await fileStoreServerFolder(), join(workspace, 'fileStoreServer'), { recursive: true });
  // Compiled suites go to folders named after this process, so runs started side by side in one checkout do not collide.
  const runs: SuiteRun[] = [
    {
      name: 'development folder',
      sourceDir: join(repoRoot, 'test', 'vscode', 'suite'),
      outDir: join(repoRoot, 'out', 'test', `vscode-${process.pid}`),
      prepare: async () => ({ extensionDevelopmentPath: repoRoot, launchArgs: [] }),
    },
  ];
  if (!options['dev-only']) {
    runs.push({
      name: 'installed vsix',
      sourceDir: join(repoRoot, 'test', 'vscode', 'installed'),
      outDir: join(repoRoot, 'out', 'test', `vscode-installed-${process.pid}`),
      prepare: async () => ({ extensionDevelopmentPath: emptyDevelopmentExtension(scratchDir), launchArgs: [`--install-extension=${await packageVsix()}`] }),
    });
  }

  let passed = 0;
  let failed = 0;
  try {
    for (const run of runs) {
      const results = await runSuite(run, workspace);
      if (!results) {
        console.error(`${run.name}: the extension host reported no results (it crashed or never ran the tests)`);
        failed += 1;
        continue;
      }
      passed += results.passed;
      failed += results.failed;
    }
  } finally {
    rmSync(scratchDir, { recursive: true, force: true });
  }
  console.log(`vscode: ${passed} passed, ${failed} failed`);
  return failed > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);

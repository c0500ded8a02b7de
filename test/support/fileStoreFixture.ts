import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { lostUpdateFixes } from '../../extension/host/codeLens/lostUpdateFixes';
import { findLostUpdateRisks } from '../../extension/host/codeLens/raceAnalysis';
import { readRelativeModule } from '../../extension/host/codeLens/readRelativeModule';
import { buildBundles } from '../../tools/bundles.mjs';
import { applyTextEdits } from './textEdits';

const repoRoot = resolve(__dirname, '../..');
const fixtureSource = join(repoRoot, 'test/fixtures/fileStoreServer');

let installed: Promise<string> | undefined;
let preload: Promise<{ esm: string; cjs: string }> | undefined;

/**
 * The file-store fixture server in a folder of its own with its own `npm install` of the MCP SDK (from the registry,
 * or npm's cache when it has the packages), as a user's server has; kept in .cache/ per package.json and reused.
 * Its node_modules also gets this package's lock library (for the server the code action fixed), built fresh.
 */
export function fileStoreServerFolder(): Promise<string> {
  installed ??= (async () => {
    const manifest = readFileSync(join(fixtureSource, 'package.json'));
    const folder = join(repoRoot, '.cache/fixtures', `file-store-server-${createHash('sha256').update(manifest).digest('hex').slice(0, 12)}`);
    if (!existsSync(join(folder, 'node_modules/@modelcontextprotocol/sdk/package.json'))) {
      mkdirSync(join(repoRoot, '.cache/fixtures'), { recursive: true });
      const staging = mkdtempSync(`${folder}-installing-`);
      writeFileSync(join(staging, 'package.json'), manifest);
      execFileSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', '--no-package-lock', '--loglevel=error'], { cwd: staging, stdio: 'inherit' });
      // Test files run in parallel processes: the first complete install to land is the one all of them use.
      try {
        renameSync(staging, folder);
      } catch (error) {
        if (!existsSync(join(folder, 'node_modules/@modelcontextprotocol/sdk/package.json'))) throw error;
        rmSync(staging, { recursive: true, force: true });
      }
    }
    // Fresh sources and library each run, each file replaced in one rename, so a server another test process is
    // starting from this folder never reads a half-written file.
    const staging = mkdtempSync(join(folder, '.staging-'));
    try {
      cpSync(fixtureSource, join(staging, 'fixture'), { recursive: true });
      await buildBundles(['locksEsm', 'locksCjs', 'mcpEsm'], { outdir: join(staging, 'library/dist') });
      writeFileSync(
        join(staging, 'library/package.json'),
        JSON.stringify({
          name: 'mcp-lock-inspector',
          exports: { './locks': { import: './dist/locks.mjs', require: './dist/locks.cjs' }, './mcp': { import: './dist/mcp.mjs' } },
        }),
      );
      moveFilesInto(join(staging, 'fixture'), folder);
      moveFilesInto(join(staging, 'library'), join(folder, 'node_modules/mcp-lock-inspector'));
    } finally {
      rmSync(staging, { recursive: true, force: true });
    }
    return folder;
  })();
  return installed;
}

/** Moves every file under `from` to the same place under `to`, each by one rename (which replaces a file atomically). */
function moveFilesInto(from: string, to: string): void {
  for (const entry of readdirSync(from, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const source = join(entry.parentPath, entry.name);
    const target = join(to, relative(from, source));
    mkdirSync(dirname(target), { recursive: true });
    renameSync(source, target);
  }
}

/** The preload (`mcp-lock-inspector/register`) built as dist/ has it, ESM and CommonJS, in a private folder far from the server's. */
export function preloadBundles(): Promise<{ esm: string; cjs: string }> {
  preload ??= (async () => {
    const outdir = mkdtempSync(join(tmpdir(), 'lock-preload-'));
    await buildBundles(['registerEsm', 'registerCjs', 'preloadActiveEsm', 'preloadActiveCjs'], { outdir });
    return { esm: join(outdir, 'register.mjs'), cjs: join(outdir, 'register.cjs') };
  })();
  return preload;
}

/** What the editor's lost-update code action makes of the fixture server: the file it edits, its title, and the text after it. */
export interface CodeActionFix {
  /** The file the fix edits, relative to the fixture folder (the handler's helper module, where the span is). */
  readonly file: string;
  readonly title: string;
  readonly text: string;
}

/**
 * The preferred code action (the first, as the editor offers it) for the one lost-update risk the analysis finds in
 * `folder`'s server.js, computed on the racy source and applied to it: the literal output a user gets by accepting it.
 */
export function fileStoreCodeActionFix(folder = fixtureSource): CodeActionFix {
  const server = join(folder, 'server.js');
  const risks = findLostUpdateRisks(server, readFileSync(server, 'utf8'), readRelativeModule);
  if (risks.length !== 1) throw new Error(`the fixture server should have exactly one lost-update risk, the analysis found ${risks.length}`);
  const [risk] = risks as [(typeof risks)[number]];
  const racy = readFileSync(risk.fileName, 'utf8');
  const [preferred] = lostUpdateFixes(risk.fileName, racy, risk);
  if (!preferred) throw new Error(`the editor offers no fix for the fixture server's ${risk.key}`);
  return { file: relative(folder, risk.fileName), title: preferred.title, text: applyTextEdits(racy, preferred.edits) };
}

/**
 * Copies `folder`'s server.js and storeTools.js into a new folder inside it (so it resolves the same node_modules)
 * with the code action's fix applied; returns the fixed server.js relative to `folder`. The caller removes the copy.
 */
export function writeServerFixedByCodeAction(folder: string): string {
  const fix = fileStoreCodeActionFix(folder);
  const copy = mkdtempSync(join(folder, 'fixed-by-code-action-'));
  for (const file of ['server.js', 'storeTools.js']) cpSync(join(folder, file), join(copy, file));
  mkdirSync(dirname(join(copy, fix.file)), { recursive: true });
  writeFileSync(join(copy, fix.file), fix.text);
  return join(basename(copy), 'server.js');
}

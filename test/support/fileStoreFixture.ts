import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildBundles } from '../../tools/bundles.mjs';

const repoRoot = resolve(__dirname, '../..');
const fixtureSource = join(repoRoot, 'test/fixtures/fileStoreServer');

let installed: Promise<string> | undefined;
let preload: Promise<{ esm: string; cjs: string }> | undefined;

/**
 * The file-store fixture server in a folder of its own with its own `npm install` of the MCP SDK (from the registry,
 * or npm's cache when it has the packages), as a user's server has; kept in .cache/ per package.json and reused.
 * Its node_modules also gets this package's lock library (for serverFixed.js), built fresh.
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
      rmSync(folder, { recursive: true, force: true });
      renameSync(staging, folder);
    }
    cpSync(fixtureSource, folder, { recursive: true });
    const library = join(folder, 'node_modules/mcp-lock-inspector');
    await buildBundles(['locksEsm', 'locksCjs'], { outdir: join(library, 'dist') });
    writeFileSync(
      join(library, 'package.json'),
      JSON.stringify({ name: 'mcp-lock-inspector', exports: { './locks': { import: './dist/locks.mjs', require: './dist/locks.cjs' } } }),
    );
    return folder;
  })();
  return installed;
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

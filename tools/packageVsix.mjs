// Builds the production bundles and packs them into <name>-<version>.vsix with @vscode/vsce, then restores the development build.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { progress, repoRoot, runOrThrow, runWhenMain, secondsSince } from './processes.mjs';

function vsixPath() {
  const { name, version } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
  return join(repoRoot, `${name}-${version}.vsix`);
}

/** Packs the extension; the bundles carry their dependencies, so node_modules stays out of the vsix. */
export async function packageVsix() {
  const startMs = Date.now();
  const outputPath = vsixPath();
  // The same build `npm pack` ships (script prepack): minified bundles and the library's type declarations,
  // which the package.json `files` list, shared with vsce, names.
  await runOrThrow('npm', ['run', '--silent', 'prepack']);
  try {
    await runOrThrow(process.execPath, [
      join(repoRoot, 'node_modules', '@vscode', 'vsce', 'vsce'),
      'package',
      '--no-dependencies',
      '--allow-missing-repository',
      // The project names no public repository, so README links stay relative, as they read inside the vsix.
      '--no-rewrite-relative-links',
      '--out', outputPath,
    ]);
  } finally {
    // The production build is minified without source maps; put back the build the tests and the debugger use.
    await runOrThrow(process.execPath, ['esbuild.mjs']);
  }
  progress(`packaged ${outputPath} in ${secondsSince(startMs)}`);
  return outputPath;
}

runWhenMain(import.meta.url, packageVsix);

// Builds every bundle: the extension host, the MCP server and CLI bins, the lock library for Node, and the webviews.
import * as esbuild from 'esbuild';
import { existsSync } from 'node:fs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** Prints errors in the `file:line:col: error: text` shape VS Code's $esbuild-watch problem matcher reads. */
const problemMatcherPlugin = {
  name: 'problem-matcher',
  setup(build) {
    build.onStart(() => console.log('[watch] build started'));
    build.onEnd((result) => {
      for (const { text, location } of result.errors) {
        console.error(`✘ [ERROR] ${text}`);
        if (location) console.error(`    ${location.file}:${location.line}:${location.column}:`);
      }
      console.log('[watch] build finished');
    });
  },
};

const shared = {
  bundle: true,
  minify: production,
  sourcemap: !production,
  sourcesContent: false,
  logLevel: 'warning',
  plugins: watch ? [problemMatcherPlugin] : [],
};

const node = { ...shared, platform: 'node', target: 'node20' };

/** Each bundle the project ships. */
const builds = [
  { ...node, entryPoints: ['extension/extension.ts'], outfile: 'dist/extension.js', format: 'cjs', external: ['vscode'] },
  { ...node, entryPoints: ['extension/server/main.ts'], outfile: 'dist/server.js', format: 'cjs', banner: { js: '#!/usr/bin/env node' } },
  { ...node, entryPoints: ['extension/cli/main.ts'], outfile: 'dist/cli.js', format: 'cjs', banner: { js: '#!/usr/bin/env node' } },
  // The libraries users import keep their dependencies external, so they share the user's copies.
  { ...node, entryPoints: ['extension/locks/index.ts'], outfile: 'dist/locks.cjs', format: 'cjs', packages: 'external' },
  { ...node, entryPoints: ['extension/locks/index.ts'], outfile: 'dist/locks.mjs', format: 'esm', packages: 'external' },
  { ...node, entryPoints: ['extension/server/index.ts'], outfile: 'dist/mcp.cjs', format: 'cjs', packages: 'external' },
  { ...node, entryPoints: ['extension/server/index.ts'], outfile: 'dist/mcp.mjs', format: 'esm', packages: 'external' },
  {
    ...shared,
    entryPoints: ['webview/sidebar/main.ts', 'webview/timeline/main.ts'],
    outdir: 'dist/webview',
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
  },
].filter((options) => (options.entryPoints ?? []).every((entry) => existsSync(entry)));

if (watch) {
  const contexts = await Promise.all(builds.map((options) => esbuild.context(options)));
  await Promise.all(contexts.map((context) => context.watch()));
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
}

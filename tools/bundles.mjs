// The project's bundles in one place: esbuild.mjs builds them into dist/, tests build some into private folders.
import * as esbuild from 'esbuild';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(fileURLToPath(import.meta.url), '../..');

const node = { platform: 'node', target: 'node20', bundle: true };
// The libraries users import keep their dependencies external, so they share the user's copies.
const library = { ...node, packages: 'external' };
// `/mcp` reaches the lock library through the package's own `./locks` export (tsconfig paths map it to the source
// for the bins), so a lock map from either entry point shares one lock context.
const mcpLibrary = { ...library, entryPoints: ['extension/mcp/index.ts'], external: ['mcp-lock-inspector/locks'] };
// `/redis` likewise, so its lock map shares the lock context of `/locks`; node-redis stays the user's (peer dependency).
const redisLibrary = { ...library, entryPoints: ['extension/redis/index.ts'], external: ['mcp-lock-inspector/locks', 'redis'] };
const bin = { ...node, format: 'cjs', banner: { js: '#!/usr/bin/env node' } };

/** Every bundle, by name: entry points relative to the repo root, output relative to the output folder. */
export const bundles = {
  extension: { ...node, entryPoints: ['extension/host/extension.ts'], outfile: 'extension.js', format: 'cjs', external: ['vscode'] },
  server: { ...bin, entryPoints: ['extension/demoServer/main.ts'], outfile: 'server.js' },
  cli: { ...bin, entryPoints: ['extension/cli/main.ts'], outfile: 'cli.js' },
  locksCjs: { ...library, entryPoints: ['extension/locks/index.ts'], outfile: 'locks.cjs', format: 'cjs' },
  locksEsm: { ...library, entryPoints: ['extension/locks/index.ts'], outfile: 'locks.mjs', format: 'esm' },
  mcpCjs: { ...mcpLibrary, outfile: 'mcp.cjs', format: 'cjs' },
  mcpEsm: { ...mcpLibrary, outfile: 'mcp.mjs', format: 'esm' },
  // The preload is self-contained: the server it instruments has its own node_modules, without this package.
  registerEsm: { ...node, entryPoints: ['extension/mcp/registerEsm.ts'], outfile: 'register.mjs', format: 'esm' },
  registerCjs: { ...node, entryPoints: ['extension/mcp/registerCjs.ts'], outfile: 'register.cjs', format: 'cjs' },
  preloadActiveEsm: { ...node, entryPoints: ['extension/mcp/preloadActive.ts'], outfile: 'preloadActive.mjs', format: 'esm' },
  preloadActiveCjs: { ...node, entryPoints: ['extension/mcp/preloadActive.ts'], outfile: 'preloadActive.cjs', format: 'cjs' },
  redisCjs: { ...redisLibrary, outfile: 'redis.cjs', format: 'cjs' },
  redisEsm: { ...redisLibrary, outfile: 'redis.mjs', format: 'esm' },
  webview: {
    bundle: true,
    entryPoints: ['webview/sidebar/main.ts', 'webview/timeline/main.ts'],
    outdir: 'webview',
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
  },
};

/** esbuild options for the named bundle written under `outdir`, plus the shared ones (minify, source maps, extra plugins). */
export function bundleOptions(name, { outdir = 'dist', production = false, plugins = [] } = {}) {
  const { outfile, outdir: subdir, entryPoints, plugins: own = [], ...options } = bundles[name];
  return {
    ...options,
    entryPoints: entryPoints.map((entry) => join(repoRoot, entry)),
    ...(outfile ? { outfile: resolve(repoRoot, outdir, outfile) } : { outdir: resolve(repoRoot, outdir, subdir) }),
    minify: production,
    sourcemap: !production,
    sourcesContent: false,
    logLevel: 'warning',
    plugins: [...own, ...plugins],
  };
}

/** Builds the named bundles into `outdir` (default all of them into dist/). */
export async function buildBundles(names = Object.keys(bundles), options = {}) {
  await Promise.all(names.map((name) => esbuild.build(bundleOptions(name, options))));
}

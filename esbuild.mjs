// Builds every bundle into dist/: the extension host, the MCP server and CLI bins, the libraries for Node, the webviews.
// Flags: --production (minified, no source maps), --watch (rebuild on change, problem-matcher output).
import * as esbuild from 'esbuild';
import { bundleOptions, bundles } from './tools/bundles.mjs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** Prints errors in the shape VS Code's $esbuild-watch problem matcher reads. */
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

const options = Object.keys(bundles).map((name) => bundleOptions(name, { production, plugins: watch ? [problemMatcherPlugin] : [] }));
if (watch) {
  const contexts = await Promise.all(options.map((bundle) => esbuild.context(bundle)));
  await Promise.all(contexts.map((context) => context.watch()));
} else {
  await Promise.all(options.map((bundle) => esbuild.build(bundle)));
}

import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

/**
 * `env` with `--import <preload>` added to NODE_OPTIONS, so any Node process started with it (`node server.js`,
 * `npx some-server`, a shell script that ends in node) instruments the MCP servers it creates. Other programs ignore it.
 */
export function withPreload(env: NodeJS.ProcessEnv, preloadFile: string): NodeJS.ProcessEnv {
  // A build without the preload (some test bundles) runs the server as it is rather than failing to start it.
  if (!existsSync(preloadFile)) return env;
  // NODE_OPTIONS splits on spaces outside double quotes; a file URL has none of either.
  const flag = `--import=${pathToFileURL(preloadFile).href}`;
  const existing = env['NODE_OPTIONS']?.trim();
  return { ...env, NODE_OPTIONS: existing ? `${existing} ${flag}` : flag };
}

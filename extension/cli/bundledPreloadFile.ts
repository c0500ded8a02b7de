import path from 'node:path';

/** The preload (`mcp-lock-inspector/register`) shipped beside the CLI bundle in dist/. */
export function bundledPreloadFile(): string {
  return path.join(__dirname, 'register.mjs');
}

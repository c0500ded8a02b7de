// `npm start`: sets up what is missing, builds, and serves a real VS Code (code-server) on loopback with the extension
// loaded from this folder, this repository as the workspace, and the bundled MCP server running a demo load.
// Usage: npm start [-- --port N]
import { parseArgs } from 'node:util';
import { launchCodeServer, workbenchUrl } from './codeServer.mjs';
import { ensureCodeServerRuntime } from './codeServerRuntime.mjs';
import { ensureNpmDeps } from './ensureNpmDeps.mjs';
import { progress, repoRoot, runOrThrow } from './processes.mjs';

/** Settings the extension reads: start the bundled server on activation and keep tool calls flowing through it. */
const mainJobSettings = {
  'lockInspector.server.autoStart': true,
  'lockInspector.server.demoLoad': true,
};

function readPort() {
  const { values } = parseArgs({ options: { port: { type: 'string', default: '0' } } });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`--port ${values.port}: expected a TCP port number from 1 to 65535 (or 0 for any free port)`);
  }
  return port;
}

const port = readPort();
await ensureNpmDeps();
await ensureCodeServerRuntime();
progress('build: node esbuild.mjs');
await runOrThrow(process.execPath, ['esbuild.mjs']);

const server = await launchCodeServer({ port, settings: mainJobSettings });
const url = workbenchUrl(server.url, { folder: repoRoot, extensionDevelopmentPath: repoRoot });
console.log(`\nMCP Lock Inspector is running in VS Code (code-server ${server.url}).\nOpen this URL in a browser on this machine:\n\n  ${url}\n\nThen click the lock icon in the activity bar. Press Ctrl-C to stop.\n`);

let stopping = false;
async function shutDown(signal) {
  if (stopping) return;
  stopping = true;
  progress(`${signal}: stopping code-server`);
  await server.stop();
  process.exit(0);
}
process.on('SIGINT', () => void shutDown('SIGINT'));
process.on('SIGTERM', () => void shutDown('SIGTERM'));

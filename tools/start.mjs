// `npm start`: sets up what is missing, builds, and serves a real VS Code (code-server) on loopback with the extension
// loaded from this folder, this repository as the workspace, and the bundled MCP server running a demo load.
// Usage: npm start [-- --port N] [--replicas N]
import { parseArgs } from 'node:util';
import { launchCodeServer, workbenchUrl } from './codeServer.mjs';
import { ensureCodeServerRuntime } from './codeServerRuntime.mjs';
import { ensureNpmDeps } from './ensureNpmDeps.mjs';
import { progress, repoRoot, runOrThrow, withHeartbeat } from './processes.mjs';
import { startReplicasForInspector } from './startReplicas.mjs';

/** Settings the extension reads: start the bundled server on activation and keep tool calls flowing through it. */
const mainJobSettings = {
  'lockInspector.server.autoStart': true,
  'lockInspector.server.demoLoad': true,
};

function readOptions() {
  const { values } = parseArgs({ options: { port: { type: 'string', default: '0' }, replicas: { type: 'string' } } });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`--port ${values.port}: expected a TCP port number from 1 to 65535 (or 0 for any free port)`);
  }
  const replicas = values.replicas === undefined ? undefined : Number(values.replicas);
  if (replicas !== undefined && (!Number.isInteger(replicas) || replicas < 1 || replicas > 16)) {
    throw new Error(`--replicas ${values.replicas}: expected a whole number of replicas from 1 to 16, e.g. --replicas 3`);
  }
  return { port, replicas };
}

const { port, replicas } = readOptions();
progress('npm start: the first start installs the VS Code runtime (code-server on Node 24, about 2 min on 2 cores) and builds; later starts take about 20 s. Progress follows.');
await ensureNpmDeps();
await ensureCodeServerRuntime();
await withHeartbeat('build: node esbuild.mjs', () => runOrThrow(process.execPath, ['esbuild.mjs']));

const server = await withHeartbeat('starting code-server on loopback', () => launchCodeServer({ port, settings: mainJobSettings }));
const url = workbenchUrl(server.url, { folder: repoRoot, extensionDevelopmentPath: repoRoot });
console.log(`\nMCP Lock Inspector is running in VS Code (code-server ${server.url}).\nOpen this URL in a browser on this machine:\n\n  ${url}\n\nThen click the lock icon in the activity bar. Press Ctrl-C to stop.\n`);

let stopping = false;
/** The replicated demo of `--replicas`, once started. */
let replicated;
async function shutDown(signal) {
  if (stopping) return;
  stopping = true;
  progress(`${signal}: stopping${replicated ? ' the replicas, haproxy, Redis and' : ''} code-server`);
  await replicated?.stop();
  await server.stop();
  process.exit(0);
}
process.on('SIGINT', () => void shutDown('SIGINT'));
process.on('SIGTERM', () => void shutDown('SIGTERM'));
if (replicas !== undefined) replicated = await startReplicasForInspector(replicas);

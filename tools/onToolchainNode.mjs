// `node tools/onToolchainNode.mjs <node args...>`: runs node with those arguments on a Node the development toolchain
// supports. @vscode/test-electron 3 and @vscode/vsce 4 need Node 22 or later: the machine's Node when it is that new,
// else the Node 24 line that tools/nodeLines.mjs installs into .cache (the line the VS Code runtime brings).
import { ensureNodeLines } from './nodeLines.mjs';
import { progress, runCommand } from './processes.mjs';

/** Oldest Node major that @vscode/test-electron 3 and @vscode/vsce 4 declare in their `engines`. */
const TOOLCHAIN_NODE_MAJOR = 22;

/** The node binary to run the toolchain on: this one when new enough, else the installed Node 24 line. */
async function toolchainNode() {
  if (Number(process.versions.node.split('.')[0]) >= TOOLCHAIN_NODE_MAJOR) return process.execPath;
  // ensureNodeLines installs every line of nodeLineVersions, 24 among them, or throws saying why it could not.
  const { version, binary } = (await ensureNodeLines()).find(({ line }) => line === 24);
  progress(`node ${process.versions.node} is older than the toolchain's ${TOOLCHAIN_NODE_MAJOR}: running on node ${version}`);
  return binary;
}

process.exitCode = await runCommand(await toolchainNode(), process.argv.slice(2));

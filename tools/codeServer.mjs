// Starts code-server (a real VS Code server and web workbench) on loopback with throwaway state, and stops it by PID.
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureCodeServerRuntime } from './codeServerRuntime.mjs';
import { killProcessGroup, runOrThrow } from './processes.mjs';

// User settings every launch starts from: no telemetry, update checks, welcome pages or trust prompts.
const quietWorkbenchSettings = {
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'security.workspace.trust.enabled': false,
  'chat.disableAIFeatures': true,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'window.commandCenter': false,
};

const readyTimeoutMs = 60_000;

// Variables of an enclosing VS Code or Electron that would make code-server talk to the wrong instance.
const inheritedVariablesToDrop = /^(VSCODE_|ELECTRON_RUN_AS_NODE$)/;

/**
 * Launches code-server on 127.0.0.1 (a free port unless `port` is given) with its own user data, extensions,
 * HOME and XDG folders under one temp folder; installs `installExtensions` (.vsix paths) first.
 * Resolves once the server answers, with its URL and a `stop()` that kills it by PID and removes the folders.
 */
export async function launchCodeServer({ port = 0, settings = {}, installExtensions = [] } = {}) {
  const { nodeBinary, codeServerEntry } = await ensureCodeServerRuntime();
  const stateDir = mkdtempSync(join(tmpdir(), 'lock-inspector-vscode-'));
  const dirs = {
    stateDir,
    userDataDir: join(stateDir, 'user-data'),
    extensionsDir: join(stateDir, 'extensions'),
    home: join(stateDir, 'home'),
    logFile: join(stateDir, 'code-server.log'),
  };
  for (const dir of [dirs.userDataDir, dirs.extensionsDir, dirs.home, join(dirs.userDataDir, 'User')]) mkdirSync(dir, { recursive: true });
  writeFileSync(join(dirs.userDataDir, 'User', 'settings.json'), JSON.stringify({ ...quietWorkbenchSettings, ...settings }, null, 2));

  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !inheritedVariablesToDrop.test(name)));
  Object.assign(env, {
    HOME: dirs.home,
    XDG_CONFIG_HOME: join(dirs.home, '.config'),
    XDG_DATA_HOME: join(dirs.home, '.local', 'share'),
    XDG_CACHE_HOME: join(dirs.home, '.cache'),
    // An empty gallery turns the marketplace off: this machine has no route to it, and tests must not depend on it.
    EXTENSIONS_GALLERY: '{}',
  });
  const commonArgs = [codeServerEntry, '--user-data-dir', dirs.userDataDir, '--extensions-dir', dirs.extensionsDir];

  for (const vsixPath of installExtensions) {
    await runOrThrow(nodeBinary, [...commonArgs, '--install-extension', vsixPath], { env, stdio: ['ignore', 'inherit', 'inherit'] });
  }

  const log = createWriteStream(dirs.logFile);
  const child = spawn(
    nodeBinary,
    [
      ...commonArgs,
      '--bind-addr', `127.0.0.1:${port}`,
      '--auth', 'none',
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      // Without the smoke-test driver a built workbench silently ignores the extension development payload.
      '--vscode-option', 'enable-smoke-test-driver',
    ],
    { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stopped = false;
  const killOnExit = () => killProcessGroup(child.pid, 'SIGKILL');
  // A detached server would outlive a crashed or interrupted parent; `exit` handlers run on every normal exit.
  process.on('exit', killOnExit);

  const stop = async () => {
    if (stopped) return;
    stopped = true;
    process.off('exit', killOnExit);
    const exited = new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', resolve)));
    killProcessGroup(child.pid, 'SIGTERM');
    const forceKill = setTimeout(() => killProcessGroup(child.pid, 'SIGKILL'), 5_000);
    await exited;
    clearTimeout(forceKill);
    // Processes still in the group (extension hosts) may take a moment to let go of their files.
    killProcessGroup(child.pid, 'SIGKILL');
    await new Promise((resolve) => log.end(resolve));
    rmSync(stateDir, { recursive: true, force: true, maxRetries: 5 });
  };

  try {
    const url = await waitForListeningUrl(child, log);
    await waitForHealthy(url);
    return { url, stop, logTail: () => logTail(dirs.logFile) };
  } catch (error) {
    const tail = logTail(dirs.logFile);
    await stop();
    throw new Error(`${error.message}\ncode-server output:\n${tail}`);
  }
}

/** Copies the server's output to the log file and resolves with the URL it says it listens on. */
function waitForListeningUrl(child, log) {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`code-server did not start listening within ${readyTimeoutMs / 1000} s`)), readyTimeoutMs);
    const onData = (chunk) => {
      log.write(chunk);
      seen += chunk.toString();
      const match = /HTTP server listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(seen);
      if (match) {
        clearTimeout(timer);
        resolve(`${match[1]}/`);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`code-server exited before listening (code ${code ?? signal})`));
    });
  });
}

async function waitForHealthy(url) {
  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    try {
      const response = await fetch(new URL('healthz', url));
      if (response.ok) return;
    } catch {
      // Not accepting connections yet: try again until the deadline.
    }
    if (Date.now() > deadline) throw new Error(`code-server at ${url} did not answer /healthz within ${readyTimeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function logTail(logFile, lines = 40) {
  try {
    return readFileSync(logFile, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no code-server log)';
  }
}

/**
 * The workbench URL that opens `folder` and, when given, loads the extension at `extensionDevelopmentPath`
 * and runs the tests entry at `extensionTestsPath` (absolute paths on the code-server machine).
 */
export function workbenchUrl(serverUrl, { folder, extensionDevelopmentPath, extensionTestsPath }) {
  const url = new URL(serverUrl);
  if (folder) url.searchParams.set('folder', folder);
  const payload = [];
  if (extensionDevelopmentPath) payload.push(['extensionDevelopmentPath', `vscode-remote://remote${extensionDevelopmentPath}`]);
  if (extensionTestsPath) payload.push(['extensionTestsPath', `vscode-remote://remote${extensionTestsPath}`]);
  if (payload.length > 0) url.searchParams.set('payload', JSON.stringify(payload));
  return url.toString();
}

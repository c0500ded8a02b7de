#!/usr/bin/env node
// Stands in for the VS Code executable that @vscode/test-electron's runTests() spawns: it reads the same
// command line, runs the extension tests in code-server driven by headless Chromium, and exits with their code.
import { format } from 'node:util';
import { launchChromium } from './chromium.mjs';
import { launchCodeServer, workbenchUrl } from './codeServer.mjs';
import { progress, secondsSince } from './processes.mjs';

// The workbench's own start-up chatter, which says nothing about the tests; everything else is forwarded.
const workbenchChatter =
  /^(Resolving connection token|Resolved connection token|Creating a socket|\[reconnection-grace-time\]|Updating additional builtin extensions cache|\[Service Worker\]|\[AgentHost:|\[AccountPolicyGate\]|Creation of workbench contribution|Ignoring fetching additional builtin extensions)/;

const testRunTimeoutMs = Number(process.env.LOCK_INSPECTOR_VSCODE_TIMEOUT_MS ?? 10 * 60_000);

/** Reads the VS Code command line runTests() builds, plus `--install-extension=<vsix>` given in launchArgs. */
function parseVsCodeArgs(args) {
  const parsed = { folder: undefined, extensionDevelopmentPath: undefined, extensionTestsPath: undefined, installExtensions: [] };
  for (const arg of args) {
    const [, name, value] = /^--([^=]+)=(.*)$/.exec(arg) ?? [];
    if (name === 'extensionDevelopmentPath') parsed.extensionDevelopmentPath = value;
    else if (name === 'extensionTestsPath') parsed.extensionTestsPath = value;
    else if (name === 'install-extension') parsed.installExtensions.push(value);
    else if (!arg.startsWith('--')) parsed.folder = arg;
    // Every other flag (sandbox, profile folders, welcome pages) is about Electron or is already handled by launchCodeServer.
  }
  if (!parsed.extensionTestsPath) throw new Error('codeServerTestHost: --extensionTestsPath=<compiled tests entry> is required');
  return parsed;
}

async function runExtensionTests({ folder, extensionDevelopmentPath, extensionTestsPath, installExtensions }) {
  const startMs = Date.now();
  const server = await launchCodeServer({ installExtensions });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const exitCode = new Promise((resolve) => page.exposeFunction('codeAutomationExit', (code) => resolve(Number(code))));
    // The workbench hands over console-style arguments (a format string first), as the extension host logged them.
    await page.exposeFunction('codeAutomationLog', (level, args) => {
      const line = Array.isArray(args) ? format(...args) : String(args);
      if (workbenchChatter.test(line)) return;
      (level === 'error' || level === 'warn' ? process.stderr : process.stdout).write(`${line}\n`);
    });
    progress(`extension tests starting in code-server (${extensionDevelopmentPath ?? 'no development extension'})`);
    await page.goto(workbenchUrl(server.url, { folder, extensionDevelopmentPath, extensionTestsPath }));
    let timer;
    const timedOut = new Promise((resolve) => {
      timer = setTimeout(() => resolve('timeout'), testRunTimeoutMs);
    });
    const result = await Promise.race([exitCode, timedOut]);
    clearTimeout(timer);
    if (result === 'timeout') {
      console.error(`Extension tests did not finish within ${testRunTimeoutMs / 1000} s. Last code-server output:\n${server.logTail()}`);
      return 1;
    }
    progress(`extension tests finished in ${secondsSince(startMs)} with exit code ${result}`);
    return result;
  } finally {
    await browser.close();
    await server.stop();
  }
}

try {
  process.exitCode = await runExtensionTests(parseVsCodeArgs(process.argv.slice(2)));
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
}

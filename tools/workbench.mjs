// Drives the code-server workbench in Debian's headless Chromium through playwright-core.
import { chromium } from 'playwright-core';
import { chromiumPath } from './ensureSystemDeps.mjs';

// Without the background-networking flags Chromium keeps dialling hosts this offline machine cannot reach.
const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Starts headless Chromium with a fresh profile; close it with `browser.close()`. */
export function launchChromium() {
  return chromium.launch({ executablePath: chromiumPath, headless: true, args: chromiumArgs });
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

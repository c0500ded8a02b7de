// Starts Debian's headless Chromium through playwright-core, to drive the code-server workbench.
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

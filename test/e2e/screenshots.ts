// `npm run screenshots`: opens the real workbench (code-server in headless Chromium) with the extension from this
// folder and the bundled server under demo load, and saves PNGs of its views into screenshots/.
// Each capture waits for its UI for a bounded time; what could not be captured is reported and fails the run.
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { launchChromium } from '../../tools/chromium.mjs';
import { launchCodeServer, workbenchUrl } from '../../tools/codeServer.mjs';
import { startReplicasForInspector } from '../../tools/startReplicas.mjs';

const repoRoot = resolve(__dirname, '..', '..');
const screenshotsDir = join(repoRoot, 'screenshots');
const viewport = { width: 1600, height: 1000 };
const uiTimeoutMs = 30_000;
// Lets the demo load produce some lock activity before a view is captured.
const activitySettleMs = 4_000;

const settings = {
  'lockInspector.server.autoStart': true,
  'lockInspector.server.demoLoad': true,
  'workbench.colorTheme': 'Default Dark Modern',
  'editor.minimap.enabled': false,
};

/** The first TypeScript file under extension/demoServer/ that registers MCP tools, and the line of its first registration. */
function firstToolRegistration(): { file: string; line: number } | undefined {
  const serverDir = join(repoRoot, 'extension', 'demoServer');
  const files = readdirSync(serverDir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
  for (const file of files) {
    const index = readFileSync(file, 'utf8').split('\n').findIndex((text) => text.includes('registerTool('));
    if (index >= 0) return { file, line: index + 1 };
  }
  return undefined;
}

/** Opens the command palette and types `text`: `>` runs commands, `:` goes to a line, plain text opens files. */
async function typeInPalette(page: Page, text: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: uiTimeoutMs });
  await input.fill(text);
}

/** Runs a command by its title through the command palette, as a user would. */
async function runCommandByTitle(page: Page, title: string): Promise<void> {
  await typeInPalette(page, `>${title}`);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor({ timeout: uiTimeoutMs });
  await page.keyboard.press('Enter');
}

/** Opens a workspace file through quick open. */
async function openFile(page: Page, absolutePath: string): Promise<void> {
  await typeInPalette(page, relative(repoRoot, absolutePath));
  await page.locator('.quick-input-list .monaco-list-row').first().waitFor({ timeout: uiTimeoutMs });
  await page.keyboard.press('Enter');
}

// Webview iframes live in an overlay outside the part they cover; the URL's `purpose` tells a view from a panel.
const sidebarWebview = 'iframe.webview.ready[src*="purpose=webviewView"]';
const panelWebview = 'iframe.webview.ready:not([src*="purpose="])';

/** Waits until the webview matched by `iframeSelector` has rendered content in its inner frame. */
async function waitForWebviewContent(page: Page, iframeSelector: string): Promise<void> {
  const content = page.frameLocator(iframeSelector).frameLocator('#active-frame').locator('body > *');
  await content.first().waitFor({ state: 'attached', timeout: uiTimeoutMs });
}

/** Opens the Locks view and waits for its content. */
async function showSidebar(page: Page): Promise<void> {
  const lockIcon = page.locator('.activitybar .action-item a[aria-label^="Lock Inspector"]');
  // A click on the icon of the open view closes it: open it only when it is not the one showing.
  if (!(await page.locator('.part.sidebar .composite.title', { hasText: /lock inspector/i }).isVisible())) await lockIcon.click({ timeout: uiTimeoutMs });
  await waitForWebviewContent(page, sidebarWebview);
}

/** Drags the sash between the side bar and the editor until the side bar is `widthPx` wide. */
async function setSidebarWidth(page: Page, widthPx: number): Promise<void> {
  const sidebar = await page.locator('.part.sidebar').boundingBox();
  if (!sidebar) throw new Error('the side bar is not showing');
  const edgeX = sidebar.x + sidebar.width;
  const sashes = await page.locator('.monaco-sash.vertical').evaluateAll((elements) =>
    elements.map((element) => {
      const box = element.getBoundingClientRect();
      return { x: box.x + box.width / 2, y: box.y + box.height / 2, height: box.height };
    }),
  );
  const sash = sashes.filter((candidate) => Math.abs(candidate.x - edgeX) <= 4 && candidate.height > 100)[0];
  if (!sash) throw new Error(`no sash at the side bar's edge (x ${edgeX})`);
  await page.mouse.move(sash.x, sash.y);
  await page.mouse.down();
  await page.mouse.move(sash.x + (widthPx - sidebar.width) / 2, sash.y, { steps: 4 });
  await page.mouse.move(sidebar.x + widthPx, sash.y, { steps: 4 });
  await page.mouse.up();
  const width = (await page.locator('.part.sidebar').boundingBox())?.width ?? 0;
  if (Math.abs(width - widthPx) > 4) throw new Error(`the side bar is ${width} px wide after the drag, not ${widthPx} px`);
}

/** One capture: the PNG's name and how to bring the UI it shows on screen. */
interface Capture {
  readonly name: string;
  capture(page: Page): Promise<void>;
}

const captures: Capture[] = [
  {
    name: 'sidebar',
    capture: showSidebar,
  },
  {
    name: 'timeline',
    capture: async (page) => {
      await runCommandByTitle(page, 'Lock Inspector: Show Lock Timeline');
      await waitForWebviewContent(page, panelWebview);
    },
  },
  {
    name: 'codelens',
    capture: async (page) => {
      const registration = firstToolRegistration();
      if (!registration) throw new Error('no file under extension/demoServer/ registers a tool (registerTool)');
      await openFile(page, registration.file);
      // Lenses are drawn only for visible lines: bring the first registration into view.
      await page.locator('.monaco-editor .view-lines').first().waitFor({ timeout: uiTimeoutMs });
      await typeInPalette(page, `:${registration.line}`);
      await page.keyboard.press('Enter');
      await page.locator('.codelens-decoration').first().waitFor({ timeout: uiTimeoutMs });
    },
  },
  {
    name: 'sidebar-250px',
    capture: async (page) => {
      await showSidebar(page);
      await setSidebarWidth(page, 250);
    },
  },
  {
    name: 'notifications',
    capture: async (page) => {
      // Headless, notifications never pop up as toasts; the notification centre shows them.
      await runCommandByTitle(page, 'Notifications: Show Notifications');
      await page.locator('.notifications-center').waitFor({ state: 'visible', timeout: uiTimeoutMs });
    },
  },
];

/** Both high-contrast themes, each in a workbench of its own (a theme set at start applies everywhere at once). */
const highContrastSessions: readonly { readonly theme: string; readonly prefix: string }[] = [
  { theme: 'Default High Contrast', prefix: 'high-contrast-dark' },
  { theme: 'Default High Contrast Light', prefix: 'high-contrast-light' },
];

function highContrastCaptures(prefix: string): Capture[] {
  return [
    { name: `${prefix}-sidebar`, capture: showSidebar },
    {
      name: `${prefix}-timeline`,
      capture: async (page) => {
        await runCommandByTitle(page, 'Lock Inspector: Show Lock Timeline');
        await waitForWebviewContent(page, panelWebview);
      },
    },
  ];
}

/**
 * Three replicas of the bundled server behind haproxy (`npm start -- --replicas 3`), reporting to the workbench: the
 * sidebar merges them into one row per resource; then a time cursor set in the timeline (a click on a lane, then
 * Shift+Left steps event by event) makes the sidebar show the state at that instant under its banner.
 */
const replicaCaptures: Capture[] = [
  {
    name: 'replicas-sidebar',
    capture: async (page) => {
      await showSidebar(page);
      await page.frameLocator(sidebarWebview).frameLocator('#active-frame').locator('.resource-table').scrollIntoViewIfNeeded({ timeout: uiTimeoutMs });
    },
  },
  {
    name: 'replicas-time-cursor',
    capture: async (page) => {
      await runCommandByTitle(page, 'Lock Inspector: Show Lock Timeline');
      await waitForWebviewContent(page, panelWebview);
      const timeline = page.frameLocator(panelWebview).frameLocator('#active-frame');
      const lanes = timeline.locator('.scroller');
      await lanes.waitFor({ timeout: uiTimeoutMs });
      const box = (await lanes.boundingBox())!;
      await lanes.click({ position: { x: box.width * 0.7, y: 40 } });
      for (let step = 0; step < 3; step++) await page.keyboard.press('Shift+ArrowLeft');
      await page.frameLocator(sidebarWebview).frameLocator('#active-frame').locator('.time-cursor-banner:not([hidden])').waitFor({ timeout: uiTimeoutMs });
    },
  },
];

/** Opens a workbench with `sessionSettings`, saves each capture's PNG, and says what it captured and missed. */
async function captureSession(
  sessionSettings: Record<string, unknown>,
  sessionCaptures: readonly Capture[],
  captured: string[],
  missed: string[],
  startLoad?: () => Promise<{ stop(): Promise<void> }>,
): Promise<void> {
  const server = await launchCodeServer({ settings: sessionSettings });
  const browser = await launchChromium();
  let load: { stop(): Promise<void> } | undefined;
  try {
    const page = await browser.newPage({ viewport });
    await page.goto(workbenchUrl(server.url, { folder: repoRoot, extensionDevelopmentPath: repoRoot }));
    await page.locator('.monaco-workbench .part.activitybar').waitFor({ timeout: uiTimeoutMs });
    load = await startLoad?.();
    await page.waitForTimeout(activitySettleMs);
    for (const { name, capture } of sessionCaptures) {
      try {
        await capture(page);
        // A hover tooltip left by a click would cover part of the view.
        await page.mouse.move(viewport.width / 2, viewport.height - 1);
        await page.waitForTimeout(activitySettleMs);
        const file = join(screenshotsDir, `${name}.png`);
        await page.screenshot({ path: file });
        captured.push(relative(repoRoot, file));
      } catch (error) {
        const file = join(screenshotsDir, `failed-${name}.png`);
        await page.screenshot({ path: file });
        missed.push(`${name}: ${error instanceof Error ? error.message.split('\n')[0] : error} (the page then: ${relative(repoRoot, file)})`);
        await page.keyboard.press('Escape');
      }
    }
  } finally {
    await load?.stop();
    await browser.close();
    await server.stop();
  }
}

async function main(): Promise<number> {
  rmSync(screenshotsDir, { recursive: true, force: true });
  mkdirSync(screenshotsDir, { recursive: true });
  const captured: string[] = [];
  const missed: string[] = [];
  await captureSession(settings, captures, captured, missed);
  for (const { theme, prefix } of highContrastSessions) await captureSession({ ...settings, 'workbench.colorTheme': theme }, highContrastCaptures(prefix), captured, missed);
  const replicaSettings = { ...settings, 'lockInspector.server.autoStart': false, 'lockInspector.server.demoLoad': false, 'workbench.colorTheme': 'Default Light Modern' };
  await captureSession(replicaSettings, replicaCaptures, captured, missed, () => startReplicasForInspector(3));
  console.log(`captured ${captured.length}: ${captured.join(', ') || 'nothing'}`);
  if (missed.length > 0) console.log(`not captured ${missed.length}:\n  ${missed.join('\n  ')}`);
  return missed.length === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);

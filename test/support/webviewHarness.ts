// Renders a built webview bundle in headless Chromium, in the very document the extension serves (same CSP),
// with a stub `acquireVsCodeApi` that stands in for the VS Code host: it records what the webview sends and
// lets the test post host messages. Build first (`node esbuild.mjs`).
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join, normalize } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { webviewDocument, type WebviewEntry } from '../../extension/host/views/webviewDocument';
import { VSCODE_THEMES, type ThemeKind } from '../e2e/vscodeThemes';

const ORIGIN = 'http://webview.test';
const REPO_ROOT = join(__dirname, '..', '..');
const CONTENT_TYPES: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css', '.html': 'text/html', '.map': 'application/json' };

/** A webview page with its stand-in host. */
export interface WebviewHarness {
  readonly page: Page;
  /** Messages the webview posted to the host so far. */
  sentToHost(): Promise<unknown[]>;
  /** Delivers a message as the host's `webview.postMessage` would. */
  postFromHost(message: unknown): Promise<void>;
  /**
   * Hands `messages` to the page in one go; from then on a timer inside the page posts each with `window.postMessage`
   * at its `atMs`, as the host's postMessage arrives in a real webview, so no DevTools round trip competes with the
   * page while they flow. Throws if the first one is already due when they arrive.
   */
  scheduleFromHost(messages: readonly TimedHostMessage[]): Promise<void>;
  /** Resolves once every scheduled message was posted, with how late the page's timer posted the latest one. */
  scheduledPosted(): Promise<ReplayFigures>;
  /** What the webview saved with `setState`. */
  savedState(): Promise<unknown>;
  /** Switches the theme the way VS Code does: new variables on <html>, new class on <body>. */
  setTheme(theme: ThemeKind): Promise<void>;
}

/** A host message and the wall-clock time (ms since the epoch) the host posts it at. */
export interface TimedHostMessage {
  readonly atMs: number;
  readonly message: unknown;
}

/** How a page-side replay went. */
export interface ReplayFigures {
  readonly posted: number;
  /** The most a message was posted after its `atMs` (the page's timer fires late when the main thread is busy). */
  readonly maxLateMs: number;
}

/** Where the harness page opens, and as what. */
export interface HarnessOptions {
  readonly theme: ThemeKind;
  readonly width: number;
  readonly height: number;
  /** What `getState()` returns, as after a reload. */
  readonly savedState?: unknown;
  readonly reducedMotion?: boolean;
}

/** Opens `entry` in a fresh page of `browser`; the webview has already said `ready` when this resolves. */
export async function openWebview(browser: Browser, entry: WebviewEntry, options: HarnessOptions): Promise<WebviewHarness> {
  const context = await browser.newContext({ viewport: { width: options.width, height: options.height }, reducedMotion: options.reducedMotion ? 'reduce' : 'no-preference' });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
  const nonce = randomBytes(16).toString('base64');
  const html = webviewDocument({ entry, title: entry, cspSource: ORIGIN, nonce, assetUrl: (...segments) => `${ORIGIN}/${segments.join('/')}` }).replace(
    '<body>',
    `<body>\n<script nonce="${nonce}">${standInHost(options, entry)}</script>`,
  );
  await page.route(`${ORIGIN}/**`, async (route) => {
    const path = new URL(route.request().url()).pathname;
    if (path === '/index.html') return route.fulfill({ body: html, contentType: 'text/html' });
    const file = normalize(join(REPO_ROOT, path));
    if (!file.startsWith(REPO_ROOT)) return route.fulfill({ status: 403 });
    const body = await readFile(file).catch(() => undefined);
    return body ? route.fulfill({ body, contentType: CONTENT_TYPES[path.slice(path.lastIndexOf('.'))] ?? 'application/octet-stream' }) : route.fulfill({ status: 404 });
  });
  await page.goto(`${ORIGIN}/index.html`);
  await page.waitForFunction(() => (globalThis as unknown as PageGlobals).sentToHost.some((message) => (message as { type?: string }).type === 'ready'));
  if (errors.length > 0) throw new Error(`The ${entry} webview reported errors while loading:\n${errors.join('\n')}`);
  return {
    page,
    sentToHost: () => page.evaluate(() => (globalThis as unknown as PageGlobals).sentToHost),
    postFromHost: (message) => page.evaluate((data) => (globalThis as unknown as PageGlobals).postMessage(data, '*'), message),
    // One JSON string: Playwright's own serialisation of a large object graph takes seconds.
    scheduleFromHost: (messages) => page.evaluate((json) => (globalThis as unknown as PageGlobals).scheduleFromHost(JSON.parse(json) as TimedHostMessage[]), JSON.stringify(messages)),
    scheduledPosted: () => page.evaluate(() => (globalThis as unknown as PageGlobals).scheduledPosted),
    savedState: () => page.evaluate(() => (globalThis as unknown as PageGlobals).savedState),
    setTheme: (theme) => page.evaluate(({ variables, bodyClass }) => (globalThis as unknown as PageGlobals).applyTheme(variables, bodyClass), VSCODE_THEMES[theme]),
  };
}

/** What the stand-in host script defines on the page's global object. */
interface PageGlobals {
  readonly sentToHost: unknown[];
  readonly savedState: unknown;
  readonly scheduledPosted: Promise<ReplayFigures>;
  postMessage(message: unknown, targetOrigin: string): void;
  scheduleFromHost(messages: readonly TimedHostMessage[]): void;
  applyTheme(variables: Readonly<Record<string, string>>, bodyClass: string): void;
}

/** The inline script that plays the VS Code side inside the page. */
function standInHost(options: HarnessOptions, entry: WebviewEntry): string {
  const theme = VSCODE_THEMES[options.theme];
  const background = entry === 'sidebar' ? 'var(--vscode-sideBar-background)' : 'var(--vscode-editor-background)';
  return `
window.sentToHost = [];
window.savedState = ${JSON.stringify(options.savedState ?? null)};
window.acquireVsCodeApi = () => ({
  postMessage: (message) => window.sentToHost.push(message),
  getState: () => window.savedState ?? undefined,
  setState: (state) => { window.savedState = state; },
});
window.applyTheme = (variables, bodyClass) => {
  for (const [name, value] of Object.entries(variables)) document.documentElement.style.setProperty(name, value);
  document.documentElement.style.background = ${JSON.stringify(background)};
  document.body.className = bodyClass;
};
window.scheduledPosted = Promise.resolve({ posted: 0, maxLateMs: 0 });
window.scheduleFromHost = (timed) => {
  if (timed.length > 0 && timed[0].atMs <= Date.now()) throw new Error('The first scheduled message was due ' + (Date.now() - timed[0].atMs) + ' ms before it reached the page: schedule further ahead.');
  let next = 0;
  let maxLateMs = 0;
  window.scheduledPosted = new Promise((resolve) => {
    const postDue = () => {
      const nowMs = Date.now();
      while (next < timed.length && timed[next].atMs <= nowMs) {
        maxLateMs = Math.max(maxLateMs, nowMs - timed[next].atMs);
        window.postMessage(timed[next].message, '*');
        // Posted messages are the webview's to keep or drop, as with a real host: the replay holds on to none.
        timed[next++] = undefined;
      }
      if (next < timed.length) setTimeout(postDue, timed[next].atMs - nowMs);
      else resolve({ posted: timed.length, maxLateMs });
    };
    postDue();
  });
};
applyTheme(${JSON.stringify(theme.variables)}, ${JSON.stringify(theme.bodyClass)});
`;
}

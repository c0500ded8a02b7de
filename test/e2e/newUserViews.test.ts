// What a new user ran into in the views (issue 16): gone sources piling up, the demo's deliberate deadlocks
// unexplained, a 250 px sidebar, tool colours without a legend, zoom that loses the selected event. The built
// webview bundles in headless Chromium with the stub host of webviewHarness.ts, fed by a real InspectorModel.
import { strict as assert } from 'node:assert';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import type { SidebarHostMessage } from '../../extension/contract/webviewMessages';
import { timelineSnapshotMessages } from '../../extension/host/views/timelineMessages';
import { InspectorModel } from '../../extension/inspector/inspectorModel';
import { realClock } from '../../extension/inspector/throttle';
import { launchChromium } from '../../tools/chromium.mjs';
import { LockEventFactory } from '../support/lockEvents';
import { openWebview } from '../support/webviewHarness';

const SCREENSHOTS = join(__dirname, '..', '..', 'screenshots');

let browser: Browser;
before(async () => {
  await mkdir(SCREENSHOTS, { recursive: true });
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
});

/** A model where the bundled server was restarted twice (two gone runs, one connected) and the demo's tools ran. */
function restartedServerModel(nowMs: number): InspectorModel {
  const model = new InspectorModel({ clock: { ...realClock, now: () => nowMs } });
  const events = new LockEventFactory();
  for (const [index, pid] of [4101, 4202, 4303].entries()) {
    const id = `run${index}`;
    model.addSource({ id, label: 'bundled server', kind: 'launched', pid, connectedAtMs: nowMs - 60_000 + index * 20_000 });
    model.ingest(id, [
      ...events.call('account:alice-with-a-rather-long-name-for-a-narrow-view', 1, nowMs - 9_000 + index * 100, 400, { tool: 'transfer', requestId: index * 10 + 1 }),
      ...events.call('account:fees', 2, nowMs - 8_000 + index * 100, 300, { tool: 'charge_fee', requestId: index * 10 + 2 }),
      ...events.call('account:fees', 3, nowMs - 7_000 + index * 100, 300, { tool: 'refund_fee', requestId: index * 10 + 3 }),
    ]);
    if (index < 2) model.disconnectSource(id);
  }
  return model;
}

type SidebarPage = Awaited<ReturnType<typeof openWebview>>;

async function openSidebar(width: number, height = 700): Promise<SidebarPage> {
  const sidebar = await openWebview(browser, 'sidebar', { theme: 'dark', width, height });
  await sidebar.postFromHost({ type: 'didSnapshot', snapshot: restartedServerModel(Date.now()).snapshot(), serverState: 'running' } satisfies SidebarHostMessage);
  await sidebar.postFromHost({ type: 'didChangeDemo', demo: { deadlockPair: true } } satisfies SidebarHostMessage);
  await sidebar.page.locator('.demo-banner:not([hidden])').waitFor();
  return sidebar;
}

describe('sidebar', () => {
  test('gone runs of the server fold into one closed line; every run is named by pid and start time', async () => {
    const sidebar = await openSidebar(400);
    try {
      const page = sidebar.page;
      assert.deepEqual(await page.locator('.server-panel > .sources .source-label').allTextContents(), [await page.locator('.server-panel > .sources .source-label').first().textContent()]);
      assert.match((await page.locator('.server-panel > .sources .source-label').textContent())!, /^bundled server · pid 4303 · \d\d:\d\d:\d\d$/);
      const gone = page.locator('.gone-sources');
      assert.equal(await gone.getAttribute('open'), null, 'closed at first');
      assert.match((await gone.locator('summary').textContent())!, /^2 sources gone/);
      assert.equal(await gone.locator('.source').first().isVisible(), false);
      await gone.locator('summary').click();
      assert.deepEqual(
        (await gone.locator('.source-label').allTextContents()).map((label) => label.replace(/ · \d\d:\d\d:\d\d$/, '')),
        ['bundled server · pid 4202', 'bundled server · pid 4101'],
      );
    } finally {
      await sidebar.page.context().close();
    }
  });

  test('the demo banner says the deadlocks are deliberate, links both handlers and switches the pair off', async () => {
    const sidebar = await openSidebar(400);
    try {
      const banner = sidebar.page.locator('.demo-banner');
      assert.match((await banner.textContent())!, /in opposite orders on purpose/);
      await banner.getByRole('button', { name: 'refund_fee' }).click();
      await banner.getByRole('button', { name: 'Turn the deadlock pair off' }).click();
      const sent = await sidebar.sentToHost();
      assert.deepEqual(sent.slice(-2), [{ type: 'revealTool', tool: 'refund_fee' }, { type: 'setDemoDeadlockPair', enabled: false }]);
      await sidebar.postFromHost({ type: 'didChangeDemo', demo: { deadlockPair: false } } satisfies SidebarHostMessage);
      await banner.getByRole('button', { name: 'Turn the deadlock pair on' }).waitFor();
      await banner.locator('summary').click();
      assert.equal(await banner.getByRole('button', { name: 'Turn the deadlock pair on' }).isVisible(), false, 'folded away');
      await sidebar.postFromHost({ type: 'didChangeServerState', serverState: 'stopped' } satisfies SidebarHostMessage);
      await banner.waitFor({ state: 'hidden' });
    } finally {
      await sidebar.page.context().close();
    }
  });

  test('at 250 px nothing is cut off at its end: names are cut in the middle, tool names wrap, no sideways scrolling', async () => {
    // Tall enough that the resource rows (drawn only when in view) are on screen below the banner and warnings.
    const sidebar = await openSidebar(250, 1600);
    try {
      const page = sidebar.page;
      const overflow = await page.evaluate(() => {
        const doc = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }).document;
        return doc.documentElement.scrollWidth - doc.documentElement.clientWidth;
      });
      assert.ok(overflow <= 0, `the page is ${overflow} px wider than the view`);
      const name = page.locator('.resource-row:not([hidden]) .resource-name[title^="account:alice"]').first();
      await name.waitFor();
      const text = (await name.textContent())!;
      assert.match(text, /^account:.+….*-view$/, `cut in the middle, keeping the start and the end of the id: ${text}`);
      const row = page.locator('.resource-rows .resource-row:not([hidden])', { has: page.locator('.resource-name[title^="account:alice"]') }).first();
      const holderLine = (await row.locator('.holder-text').textContent())!;
      assert.match(holderLine, /^pid 4\d{3} · idle/, 'the run it belongs to, on the second line');
      // Every shown name fits the room beside its state dot, so the cell's own end-ellipsis never cuts it again.
      const overflows = await page.locator('.resource-rows .resource-row:not([hidden]) .resource-name').evaluateAll((names) =>
        names.map((element) => {
          const cell = element.parentElement!;
          const room = cell.clientWidth - (element.previousElementSibling as unknown as { offsetWidth: number }).offsetWidth - 6;
          return element.getBoundingClientRect().width - room;
        }),
      );
      assert.ok(overflows.length >= 6 && overflows.every((overflow) => overflow <= 1), `names overflow their room by ${overflows.map((overflow) => overflow.toFixed(1)).join(', ')} px`);
      assert.match((await name.getAttribute('title'))!, /^account:alice-with-a-rather-long-name-for-a-narrow-view · bundled server/);
      const toolNames = await page.locator('.tool-row:not(.header) .col-name').evaluateAll((cells) => cells.map((cell) => cell.scrollWidth - cell.clientWidth));
      assert.ok(toolNames.length === 3 && toolNames.every((overflow) => overflow <= 1), `tool names fit or wrap: ${toolNames.join(', ')}`);
      await page.screenshot({ path: join(SCREENSHOTS, 'harness-sidebar-250px.png'), fullPage: true });
    } finally {
      await sidebar.page.context().close();
    }
  });
});

test('while a debugged server sits at a breakpoint, the Locks view says what it holds and who queues behind it', async () => {
  const nowMs = Date.now();
  const model = new InspectorModel({ clock: { ...realClock, now: () => nowMs } });
  const events = new LockEventFactory();
  model.addSource({ id: 'dbg', label: 'Lock Inspector: debugged server', kind: 'debug', pid: 5151, connectedAtMs: nowMs - 10_000 });
  model.ingest('dbg', [
    events.requested('account:alice', 1, nowMs - 3_000, { tool: 'transfer', requestId: 7 }),
    events.acquired('account:alice', 1, nowMs - 3_000, 0, { tool: 'transfer', requestId: 7 }),
    events.requested('account:alice', 2, nowMs - 2_000, { tool: 'deposit', requestId: 8 }, 'write', 1),
    events.requested('account:alice', 3, nowMs - 1_000, { tool: 'deposit', requestId: 9 }, 'write', 2),
  ]);
  const sidebar = await openWebview(browser, 'sidebar', { theme: 'dark', width: 400, height: 700 });
  try {
    await sidebar.postFromHost({ type: 'didSnapshot', snapshot: model.snapshot(), serverState: 'stopped' } satisfies SidebarHostMessage);
    const banner = sidebar.page.locator('.debug-pause');
    assert.equal(await banner.isVisible(), false, 'nothing to say while it runs');
    await sidebar.postFromHost({ type: 'didChangeDebugPause', pausedSession: 'Lock Inspector: debugged server' } satisfies SidebarHostMessage);
    await banner.waitFor();
    assert.equal(await banner.textContent(), "Lock Inspector: debugged server paused: holding 'account:alice' (transfer #7), 2 calls queued behind it");
    await sidebar.page.screenshot({ path: join(SCREENSHOTS, 'harness-sidebar-debug-paused.png') });
    await sidebar.postFromHost({ type: 'didChangeDebugPause', pausedSession: undefined } satisfies SidebarHostMessage);
    await banner.waitFor({ state: 'hidden' });
  } finally {
    await sidebar.page.context().close();
  }
});

describe('timeline', () => {
  test('a legend names every tool colour, and zooming with the buttons keeps the selected event where it is', async () => {
    const nowMs = Date.now() + 1_000;
    const model = restartedServerModel(nowMs);
    const timeline = await openWebview(browser, 'timeline', { theme: 'dark', width: 1000, height: 500 });
    try {
      for (const message of timelineSnapshotMessages(model)) await timeline.postFromHost(message);
      const page = timeline.page;
      const legend = page.locator('.tool-legend .tool-legend-item');
      await legend.first().waitFor();
      assert.deepEqual(await legend.allTextContents(), ['charge_fee', 'refund_fee', 'transfer']);
      const slots = await page.locator('.tool-legend .tool-swatch').evaluateAll((swatches) => swatches.map((swatch) => swatch.getAttribute('data-slot')));
      assert.equal(new Set(slots).size, 3, `three tools, three colours: ${slots.join(', ')}`);

      // Keys act on the lanes as last drawn: wait for the first frame with the events.
      await page.locator('.status', { hasText: '6 of 6 resources' }).waitFor();
      const lanes = page.getByLabel(/^Lock timeline\./);
      await lanes.focus();
      await page.keyboard.press(' ');
      await page.keyboard.press('Home');
      await page.keyboard.press('ArrowRight');
      const details = page.locator('.details:not([hidden]) h2');
      await details.waitFor({ state: 'attached' });
      assert.match((await details.textContent())!, /^transfer #1 held account:alice/, 'the first run\'s bar is selected');
      const selectedAtMs = nowMs - 9_000;
      const offsetPx = async () => {
        const { windowEndMs, msPerPixel } = await page.locator('#root').evaluate((root) => ({ ...(root as unknown as { dataset: Record<string, string> }).dataset }));
        return (Number(windowEndMs) - selectedAtMs) / Number(msPerPixel);
      };
      const before = await offsetPx();
      const zoomBefore = await page.locator('#root').getAttribute('data-ms-per-pixel');
      await page.getByRole('button', { name: 'Zoom in (+)' }).click();
      await page.waitForFunction(
        (previous) => (globalThis as unknown as { document: { getElementById(id: string): { dataset: Record<string, string> } } }).document.getElementById('root').dataset['msPerPixel'] !== previous,
        zoomBefore,
      );
      const after = await offsetPx();
      assert.ok(Math.abs(after - before) < 1, `the selected event moved from ${before.toFixed(1)} to ${after.toFixed(1)} px left of the window's end`);
    } finally {
      await timeline.page.context().close();
    }
  });

  test('in a narrow panel the details bar wraps whole facts: a label never ends a line without its value', async () => {
    const model = restartedServerModel(Date.now() + 1_000);
    const timeline = await openWebview(browser, 'timeline', { theme: 'dark', width: 520, height: 500 });
    try {
      for (const message of timelineSnapshotMessages(model)) await timeline.postFromHost(message);
      const page = timeline.page;
      await page.locator('.status', { hasText: '6 of 6 resources' }).waitFor();
      await page.getByLabel(/^Lock timeline\./).focus();
      await page.keyboard.press('Home');
      await page.keyboard.press('ArrowRight');
      const facts = page.locator('.details:not([hidden]) .fact');
      await facts.first().waitFor({ state: 'attached' });
      const rows = await facts.evaluateAll((pairs) =>
        pairs.map((pair) => {
          const [label, value] = [pair.firstElementChild!, pair.lastElementChild!].map((element) => element.getBoundingClientRect());
          return { text: pair.textContent, sameLine: Math.abs(label.top - value.top) < 2 };
        }),
      );
      assert.ok(rows.length >= 3, JSON.stringify(rows));
      assert.deepEqual(rows.filter((row) => !row.sameLine), [], 'every label sits on the line of its value');
      const tops = await facts.evaluateAll((pairs) => pairs.map((pair) => Math.round(pair.getBoundingClientRect().top)));
      assert.ok(new Set(tops).size > 1, 'the facts did wrap at this width, so the check above means something');
      const titleLines = await page.locator('.details h2').evaluate((title) => Math.round(title.getBoundingClientRect().height / parseFloat((globalThis as unknown as { getComputedStyle(target: unknown): { lineHeight: string } }).getComputedStyle(title).lineHeight)));
      assert.ok(titleLines <= 2, `the title takes ${titleLines} lines: the actions squeeze it`);
      const clipped = await page.locator('.details').evaluate((panel) => panel.scrollHeight - panel.clientHeight);
      assert.ok(clipped <= 1, `the details bar cuts ${clipped} px off its last line`);
      await page.screenshot({ path: join(SCREENSHOTS, 'harness-timeline-details-narrow.png') });
    } finally {
      await timeline.page.context().close();
    }
  });

  test('high contrast with chart colours the theme leaves unset: every tool keeps a colour of its own, outlined', async () => {
    const tools = ['audit', 'charge_fee', 'deposit', 'deposit_foreign', 'increment_counter', 'refund_fee', 'transfer', 'withdraw'];
    const model = new InspectorModel();
    const events = new LockEventFactory();
    model.ingest('s', tools.flatMap((tool, index) => events.call(`account:${index}`, index + 1, Date.now() - 5_000 + index * 100, 50, { tool })));
    const timeline = await openWebview(browser, 'timeline', { theme: 'high-contrast', width: 1200, height: 500 });
    try {
      const page = timeline.page;
      // As in VS Code's own high-contrast themes, which do not set every chart colour.
      await page.evaluate(() => {
        const style = (globalThis as unknown as { document: { documentElement: { style: { removeProperty(name: string): void } } } }).document.documentElement.style;
        for (const name of ['--vscode-charts-orange', '--vscode-charts-yellow']) style.removeProperty(name);
      });
      for (const message of timelineSnapshotMessages(model)) await timeline.postFromHost(message);
      const swatches = page.locator('.tool-legend .tool-swatch');
      await swatches.first().waitFor();
      const looks = await swatches.evaluateAll((elements) =>
        elements.map((element) => {
          const style = (globalThis as unknown as { getComputedStyle(target: unknown): { backgroundColor: string; outlineStyle: string } }).getComputedStyle(element);
          return { background: style.backgroundColor, outline: style.outlineStyle };
        }),
      );
      assert.equal(looks.length, tools.length);
      const transparent = looks.filter(({ background }) => background === 'rgba(0, 0, 0, 0)' || background === 'transparent');
      assert.deepEqual(transparent, [], 'no swatch vanishes');
      assert.equal(new Set(looks.map(({ background }) => background)).size, tools.length, `eight tools, eight colours: ${looks.map(({ background }) => background).join(' ')}`);
      assert.ok(looks.every(({ outline }) => outline === 'solid'), 'outlined with the contrast border');
      await page.screenshot({ path: join(SCREENSHOTS, 'harness-timeline-high-contrast-unset-charts.png') });
    } finally {
      await timeline.page.context().close();
    }
  });
});

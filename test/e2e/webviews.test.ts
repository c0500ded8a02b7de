// The built sidebar and timeline bundles in headless Chromium, fed events recorded from the real demo server
// through the real inspector channel and model; a stub host (see webviewHarness.ts) stands in for VS Code.
// Checks go through the DOM; PNG screenshots in light, dark and high contrast land in screenshots/.
import { strict as assert } from 'node:assert';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import type { InspectorModelReader } from '../../extension/contract/inspectorSnapshot';
import type { SidebarHostMessage, TimelineHostMessage } from '../../extension/contract/webviewMessages';
import { timelineChangeMessage, timelineSnapshotMessages } from '../../extension/host/views/timelineMessages';
import { launchChromium } from '../../tools/chromium.mjs';
import { recordDemoSession, type DemoRecording } from './recordDemoSession';
import type { ThemeKind } from './vscodeThemes';
import { openWebview } from '../support/webviewHarness';

const SCREENSHOTS = join(__dirname, '..', '..', 'screenshots');
const THEMES: readonly ThemeKind[] = ['light', 'dark', 'high-contrast'];

/** The page's document, typed just enough for the in-page checks below (this project's Node code has no DOM types; the page's CSP forbids string predicates). */
interface PageDocument {
  querySelectorAll(selector: string): ArrayLike<{ getAttribute(name: string): string | null }>;
}

let browser: Browser;
let recording: DemoRecording;

before(async () => {
  await mkdir(SCREENSHOTS, { recursive: true });
  [browser, recording] = await Promise.all([launchChromium(), recordDemoSession(3000)]);
  assert.ok(recording.history.length > 100, `the demo session recorded only ${recording.history.length} events`);
});

after(async () => {
  await browser?.close();
});

function sidebarSnapshotMessage(): SidebarHostMessage {
  return { type: 'didSnapshot', snapshot: recording.snapshot, serverState: 'running' };
}

/** The recording as a model the timeline's message builders read. */
function recordedModel(): InspectorModelReader {
  return { snapshot: () => recording.snapshot, history: () => recording.history, subscribe: () => () => undefined };
}

describe('sidebar', () => {
  test('before any data it teaches, and its button asks the host to run the demo', async () => {
    const sidebar = await openWebview(browser, 'sidebar', { theme: 'dark', width: 320, height: 640 });
    await sidebar.postFromHost({ type: 'didSnapshot', snapshot: { ...recording.snapshot, sources: [], resources: [], tools: [], warnings: [], totals: { held: 0, waiting: 0, timeouts: 0, deadlocks: 0, events: 0, linesRejected: 0 } }, serverState: 'stopped' } satisfies SidebarHostMessage);
    const emptyState = sidebar.page.locator('.empty-state');
    await emptyState.waitFor();
    assert.match(await emptyState.innerText(), /See the locks inside your MCP server/);
    await sidebar.page.screenshot({ path: join(SCREENSHOTS, 'sidebar-empty-dark.png') });
    await emptyState.getByRole('button', { name: /Start demo server/ }).click();
    assert.deepEqual((await sidebar.sentToHost()).at(-1), { type: 'runDemo' });
    await sidebar.page.context().close();
  });

  for (const theme of THEMES) {
    test(`shows server, warnings, tools and live resources (${theme})`, async () => {
      const sidebar = await openWebview(browser, 'sidebar', { theme, width: 320, height: 900 });
      await sidebar.postFromHost(sidebarSnapshotMessage());
      const page = sidebar.page;
      await page.locator('.tool-table').waitFor();
      assert.match(await page.locator('.server-state').innerText(), /running/);

      const toolRows = page.locator('.tool-table [role=row][data-tool]');
      assert.equal(await toolRows.count(), recording.snapshot.tools.length);
      assert.equal(await page.locator('.tool-table').getAttribute('role'), 'table');

      await page.screenshot({ path: join(SCREENSHOTS, `sidebar-${theme}.png`) });
      await page.locator('.resource-table').scrollIntoViewIfNeeded();
      // Rows render on the scroll event that follows; wait until every recorded resource (or a screenful) is there.
      const expectedRows = Math.min(recording.snapshot.resources.length, 10);
      await page.waitForFunction(
        (count) => (globalThis as unknown as { document: PageDocument }).document.querySelectorAll('.resource-rows .resource-row:not([hidden])').length >= count,
        expectedRows,
      );
      const shownResources = await page.locator('.resource-rows .resource-row:not([hidden])').evaluateAll((rows) =>
        rows.sort((a, b) => Number(a.getAttribute('aria-rowindex')) - Number(b.getAttribute('aria-rowindex'))).map((row) => row.getAttribute('data-resource')),
      );
      const busyIds = recording.snapshot.resources.filter((resource) => resource.holders.length + resource.waiters.length > 0).map((resource) => resource.id);
      assert.ok(busyIds.length > 0, 'the recording ends at a moment when a resource is busy');
      assert.ok(busyIds.every((id) => shownResources.slice(0, busyIds.length + 2).includes(id)), `busy ${busyIds} are not listed first: ${shownResources}`);
      const queued = recording.snapshot.resources.find((resource) => resource.waiters.length > 0);
      if (queued) {
        const row = page.locator(`.resource-row[data-resource="${queued.id}"]`);
        assert.match((await row.getAttribute('aria-label')) ?? '', /waiting in order/);
      }

      const deadlock = recording.snapshot.warnings.find((warning) => warning.kind === 'deadlock');
      if (deadlock) {
        const cycle = page.locator('.warning.deadlock .cycle').first();
        assert.ok((await cycle.locator('.cycle-node').count()) >= 4, 'a deadlock cycle shows call, resource, call, resource');
      }
      await page.screenshot({ path: join(SCREENSHOTS, `sidebar-resources-${theme}.png`) });

      await toolRows.first().click();
      const toolName = await toolRows.first().getAttribute('data-tool');
      assert.deepEqual((await sidebar.sentToHost()).at(-1), { type: 'showTimeline', filter: { tool: toolName } });
      await page.context().close();
    });
  }

  test('filters and sorts resources, and keeps the choice through a reload', async () => {
    const sidebar = await openWebview(browser, 'sidebar', { theme: 'dark', width: 320, height: 800 });
    await sidebar.postFromHost(sidebarSnapshotMessage());
    const page = sidebar.page;
    await page.getByRole('searchbox', { name: /Filter resources/ }).fill('counter');
    await page.waitForFunction(() => Array.from((globalThis as unknown as { document: PageDocument }).document.querySelectorAll('.resource-rows .resource-row:not([hidden])')).every((row) => row.getAttribute('data-resource')?.includes('counter')));
    await page.getByRole('combobox', { name: 'Sort resources' }).selectOption('name');
    assert.deepEqual(await sidebar.savedState(), { query: { sort: 'name', text: 'counter', onlyBusy: false } });
    await page.context().close();
  });

  test('10,000 resources render only the rows in view', async () => {
    const sidebar = await openWebview(browser, 'sidebar', { theme: 'dark', width: 320, height: 800 });
    const template = recording.snapshot.resources[0]!;
    const resources = Array.from({ length: 10_000 }, (_, index) => ({ ...template, key: `s1\u0000r${index}`, id: `resource:${index}` }));
    await sidebar.postFromHost({ type: 'didSnapshot', snapshot: { ...recording.snapshot, resources }, serverState: 'running' } satisfies SidebarHostMessage);
    const page = sidebar.page;
    await page.locator('.resource-table').scrollIntoViewIfNeeded();
    await page.locator('.resource-rows .resource-row:not([hidden])').first().waitFor();
    const rendered = await page.locator('.resource-rows .resource-row').count();
    assert.ok(rendered < 60, `${rendered} row elements for 10,000 resources`);
    assert.equal(await page.locator('.resource-table').getAttribute('aria-rowcount'), '10001');
    await page.mouse.move(160, 600);
    await page.mouse.wheel(0, 200_000);
    await page.waitForFunction(() => Array.from((globalThis as unknown as { document: PageDocument }).document.querySelectorAll('.resource-rows .resource-row:not([hidden])')).some((row) => Number(row.getAttribute('aria-rowindex')) > 4000));
    await page.context().close();
  });
});

describe('timeline', () => {
  for (const theme of THEMES) {
    test(`draws a lane per resource with the recorded events (${theme})`, async () => {
      const timeline = await openWebview(browser, 'timeline', { theme, width: 1280, height: 640 });
      for (const message of timelineSnapshotMessages(recordedModel())) await timeline.postFromHost(message);
      const page = timeline.page;
      const resourceIds = new Set(recording.history.flatMap((event) => ('resource' in event ? [event.resource] : [])));
      await page.waitForFunction((count) => (globalThis as unknown as { document: PageDocument }).document.querySelectorAll('ul[aria-label="Visible resources"] li').length === count, resourceIds.size);
      const lanes = await page.locator('ul[aria-label="Visible resources"] li').evaluateAll((items) => items.map((item) => item.getAttribute('data-resource')));
      assert.deepEqual(new Set(lanes), resourceIds);
      const newest = Math.max(...recording.history.map((event) => event.atMs));
      assert.equal(Number(await page.locator('#root').getAttribute('data-rendered-through-ms')), newest);
      assert.match(await page.locator('.status-text').innerText(), new RegExp(`${recording.history.length.toLocaleString('en-US')} events`));
      // Pause and fit so the screenshot shows the whole recording.
      await page.locator('.scroller').focus();
      await page.keyboard.press('Space');
      await page.keyboard.press('0');
      await page.screenshot({ path: join(SCREENSHOTS, `timeline-${theme}.png`) });
      await page.context().close();
    });
  }

  test('keyboard: lanes, events, details and jump to the handler', async () => {
    const timeline = await openWebview(browser, 'timeline', { theme: 'dark', width: 1280, height: 640 });
    for (const message of timelineSnapshotMessages(recordedModel())) await timeline.postFromHost(message);
    const page = timeline.page;
    await page.locator('.scroller').focus();
    await page.keyboard.press('Space');
    await page.keyboard.press('0');
    // The recording comes from a live demo run, so which lane has events differs per run: walk down until one does.
    const details = page.locator('.details');
    const laneCount = recording.snapshot.resources.length;
    for (let lane = 0; lane < laneCount && !(await details.isVisible()); lane++) {
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('ArrowRight');
    }
    await details.waitFor({ timeout: 5000 });
    const title = await details.locator('h2').innerText();
    assert.match(title, /(held|holds|waited|waits|timed out|Deadlock|asked again|gave up)/);
    await page.screenshot({ path: join(SCREENSHOTS, 'timeline-selected-dark.png') });
    await page.keyboard.press('Enter');
    const sent = (await timeline.sentToHost()).at(-1) as { type: string; tool?: string };
    assert.equal(sent.type, 'revealTool', `Enter on "${title}" sent ${JSON.stringify(sent)}`);
    assert.ok(sent.tool, 'the handler to reveal is named');
    await page.context().close();
  });

  test('reduced motion: the live view redraws about once a second instead of every frame', async () => {
    const framesIn2s = async (reducedMotion: boolean): Promise<number> => {
      const timeline = await openWebview(browser, 'timeline', { theme: 'dark', width: 1000, height: 500, reducedMotion });
      for (const message of timelineSnapshotMessages(recordedModel())) await timeline.postFromHost(message);
      const frames = await timeline.page.evaluate(
        () =>
          new Promise<number>((resolve) => {
            type FrameCallback = (time: number) => void;
            const page = globalThis as unknown as { requestAnimationFrame(callback: FrameCallback): number };
            const original = page.requestAnimationFrame.bind(page);
            let count = 0;
            page.requestAnimationFrame = (callback) => original((time) => (count++, callback(time)));
            setTimeout(() => resolve(count), 2000);
          }),
      );
      await timeline.page.context().close();
      return frames;
    };
    const [animated, reduced] = [await framesIn2s(false), await framesIn2s(true)];
    assert.ok(animated >= 30, `live scrolling drew only ${animated} frames in 2 s`);
    assert.ok(reduced <= 4, `with reduced motion the timeline still drew ${reduced} frames in 2 s`);
  });

  test('filters from the host, only contended, and state saved for a restored panel', async () => {
    const timeline = await openWebview(browser, 'timeline', { theme: 'light', width: 1000, height: 500 });
    for (const message of timelineSnapshotMessages(recordedModel())) await timeline.postFromHost(message);
    const page = timeline.page;
    const tool = recording.snapshot.tools.find((candidate) => candidate.tool === 'transfer')?.tool ?? recording.snapshot.tools[0]!.tool;
    await timeline.postFromHost({ type: 'didSetFilter', filter: { tool, onlyContended: true } } satisfies TimelineHostMessage);
    assert.equal(await page.getByRole('combobox', { name: 'Tool' }).inputValue(), tool);
    assert.equal(await page.getByRole('checkbox', { name: 'Only contended' }).isChecked(), true);
    await page.waitForFunction(() => (globalThis as unknown as { savedState?: { filter?: { tool?: string } } }).savedState?.filter?.tool !== undefined);
    const saved = (await timeline.savedState()) as { filter: unknown };
    assert.deepEqual(saved.filter, { tool, onlyContended: true });

    const restored = await openWebview(browser, 'timeline', { theme: 'light', width: 1000, height: 500, savedState: saved });
    assert.equal(await restored.page.getByRole('combobox', { name: 'Tool' }).inputValue(), tool);
    await page.context().close();
    await restored.page.context().close();
  });

  test('hover shows who held what; cleared history empties the lanes', async () => {
    const timeline = await openWebview(browser, 'timeline', { theme: 'dark', width: 1280, height: 640 });
    for (const message of timelineSnapshotMessages(recordedModel())) await timeline.postFromHost(message);
    const page = timeline.page;
    await page.locator('.scroller').focus();
    await page.keyboard.press('Space');
    await page.keyboard.press('0');
    const box = (await page.locator('.scroller').boundingBox())!;
    let found = false;
    // The live recording differs per run, so sweep lane after lane until a bar answers. Lanes are drawn on a
    // canvas (LAYOUT in webview/timeline/timelineRenderer.ts: a 26 px axis, then 26 px lanes), so no DOM to ask.
    const laneHeight = 26;
    for (let laneY = box.y + laneHeight * 1.5; laneY < box.y + box.height - laneHeight / 2 && !found; laneY += laneHeight) {
      for (let x = box.x + 300; x < box.x + box.width - 20 && !found; x += 7) {
        await page.mouse.move(x, laneY);
        found = await page.locator('.tooltip:not([hidden])').isVisible();
      }
    }
    assert.ok(found, 'some bar on some lane shows a tooltip');
    assert.match(await page.locator('.tooltip').innerText(), /(held|holds|waited|waits|timed out|Deadlock)/);
    await page.screenshot({ path: join(SCREENSHOTS, 'timeline-hover-dark.png') });
    await timeline.postFromHost(timelineChangeMessage({ snapshot: recording.snapshot, events: [], cleared: true }));
    await page.locator('.overlay-card').waitFor();
    assert.match(await page.locator('.overlay-card').innerText(), /No lock events yet/);
    await page.context().close();
  });
});

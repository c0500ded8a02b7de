// The built sidebar and timeline bundles in headless Chromium, fed a session recorded once from the real demo server
// through the real inspector channel and model (demoFixture.ts); a stub host (see webviewHarness.ts) stands in for
// VS Code. Each page's clock stands still at the recording's last moment, so every bar sits at a known place.
// Checks go through the DOM; PNG screenshots in light, dark and high contrast land in screenshots/.
import { strict as assert } from 'node:assert';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import type { SourcedEvent } from '../../extension/contract/inspectorSnapshot';
import type { SidebarHostMessage, TimelineHostMessage } from '../../extension/contract/webviewMessages';
import { timelineChangeMessage, timelineSnapshotMessages } from '../../extension/host/views/timelineMessages';
import { DEFAULT_MS_PER_PIXEL } from '../../webview/timeline/timeScale';
import { launchChromium } from '../../tools/chromium.mjs';
import { loadDemoFixture } from './demoFixture';
import type { ThemeKind } from './vscodeThemes';
import { openWebview, type HarnessOptions, type WebviewHarness } from '../support/webviewHarness';

const SCREENSHOTS = join(__dirname, '..', '..', 'screenshots');
const THEMES: readonly ThemeKind[] = ['light', 'dark', 'high-contrast'];

/** The page's document, typed just enough for the in-page checks below (this project's Node code has no DOM types; the page's CSP forbids string predicates). */
interface PageDocument {
  querySelectorAll(selector: string): ArrayLike<{ getAttribute(name: string): string | null }>;
}

const recording = loadDemoFixture();

/** What the committed recording holds, as the checks below expect to see it. */
const KNOWN = {
  /** Every resource, in the timeline's default (natural name) order. */
  lanes: ['account:alice', 'account:bob', 'account:carol', 'account:dave', 'account:erin', 'account:fees', 'account:frank', 'counter:visits'],
  /** At the end, transfer #52 holds account:alice and nine calls queue behind it. */
  queue: {
    resource: 'account:alice',
    label: 'account:alice: held by transfer #52 · 24 ms, 9 waiting in order: transfer #53, transfer #54, transfer #55, deposit #56, transfer #57, deposit #58, transfer #59, deposit #60, audit #66',
  },
  /** The newest deadlock warning: charge_fee #49 and refund_fee #50 over account:fees and account:erin. */
  deadlockCycle: 'Wait-for cycle: charge_fee #49, then account:fees, then refund_fee #50, then account:erin, back to the first',
  /** refund_fee #36 held account:fees from 962 to 614 ms before the end, past the 250 ms long-hold threshold. */
  longHold: { lane: 'account:fees', msBeforeEnd: 900, title: 'refund_fee #36 held account:fees', facts: /^Held: 348 ms · Since: [\d:.]+ · Mode: write \(exclusive\)$/ },
  /** The earliest bar on account:fees. */
  firstOnFees: { title: 'deposit #7 held account:fees', tool: 'deposit' },
  /** Lanes where transfer ran and somebody had to wait. */
  contendedByTransfer: ['account:alice', 'account:bob', 'account:carol', 'account:dave', 'account:erin', 'account:frank'],
} as const;

/** Lanes are drawn on a canvas (LAYOUT in webview/timeline/timelineRenderer.ts: a 26 px axis, then 26 px lanes), so no DOM to ask. */
const AXIS_HEIGHT_PX = 26;
const LANE_HEIGHT_PX = 26;

let browser: Browser;

before(async () => {
  await mkdir(SCREENSHOTS, { recursive: true });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
});

/** Opens a webview whose clock stands still at the recording's last moment, as if the host had just sent it. */
async function openAtRecordingEnd(entry: 'sidebar' | 'timeline', options: HarnessOptions): Promise<WebviewHarness> {
  const webview = await openWebview(browser, entry, options);
  await webview.page.clock.setFixedTime(recording.snapshot.atMs);
  return webview;
}

/** A sidebar that has the recording's final snapshot. */
async function openSidebar(options: HarnessOptions): Promise<WebviewHarness> {
  const sidebar = await openAtRecordingEnd('sidebar', options);
  await sidebar.postFromHost({ type: 'didSnapshot', snapshot: recording.snapshot, serverState: 'running' } satisfies SidebarHostMessage);
  return sidebar;
}

/** A live timeline that has the whole recording, drawn once every lane is listed. */
async function openTimeline(options: HarnessOptions): Promise<WebviewHarness> {
  const timeline = await openAtRecordingEnd('timeline', options);
  const model = { snapshot: () => recording.snapshot, history: () => recording.history, subscribe: () => () => undefined };
  for (const message of timelineSnapshotMessages(model)) await timeline.postFromHost(message);
  assert.deepEqual(await visibleLanes(timeline), KNOWN.lanes);
  return timeline;
}

/** The resources of the lanes in view, top to bottom, from the screen-reader list (refreshed about once a second). */
async function visibleLanes(timeline: WebviewHarness, count: number = KNOWN.lanes.length): Promise<string[]> {
  const selector = 'ul[aria-label="Visible resources"] li';
  await timeline.page.waitForFunction(([items, expected]) => (globalThis as unknown as { document: PageDocument }).document.querySelectorAll(items).length === expected, [selector, count] as const);
  return timeline.page.locator(selector).evaluateAll((elements) => elements.map((element) => element.getAttribute('data-resource') ?? ''));
}

/** Where on the page the live timeline draws `lane` at `msBeforeEnd` before the recording's end, at the default zoom. */
async function pointOf(timeline: WebviewHarness, lane: (typeof KNOWN.lanes)[number], msBeforeEnd: number): Promise<{ x: number; y: number }> {
  const scroller = timeline.page.locator('.scroller');
  const box = (await scroller.boundingBox())!;
  // Live, the time area ends at the scroller's right edge with "now" (the recording's end).
  const widthPx = await scroller.evaluate((element) => (element as unknown as { clientWidth: number }).clientWidth);
  return { x: box.x + widthPx - msBeforeEnd / DEFAULT_MS_PER_PIXEL, y: box.y + AXIS_HEIGHT_PX + KNOWN.lanes.indexOf(lane) * LANE_HEIGHT_PX + LANE_HEIGHT_PX / 2 };
}

describe('sidebar', () => {
  test('before any data it teaches, and its button asks the host to run the demo', async () => {
    const sidebar = await openAtRecordingEnd('sidebar', { theme: 'dark', width: 320, height: 640 });
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
      const sidebar = await openSidebar({ theme, width: 320, height: 900 });
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
      const queueLabel = await page.locator(`.resource-row[data-resource="${KNOWN.queue.resource}"]`).getAttribute('aria-label');
      assert.ok(queueLabel?.startsWith(KNOWN.queue.label), `the queue on ${KNOWN.queue.resource} reads: ${queueLabel}`);

      const cycle = page.locator('.warning.deadlock .cycle').first();
      assert.equal(await cycle.locator('.cycle-node').count(), 4, 'a deadlock cycle shows call, resource, call, resource');
      assert.equal(await cycle.getAttribute('aria-label'), KNOWN.deadlockCycle);
      await page.screenshot({ path: join(SCREENSHOTS, `sidebar-resources-${theme}.png`) });

      await toolRows.first().click();
      const toolName = await toolRows.first().getAttribute('data-tool');
      assert.deepEqual((await sidebar.sentToHost()).at(-1), { type: 'showTimeline', filter: { tool: toolName } });
      await page.context().close();
    });
  }

  test('a source the view misses events or locks of says so in the source list, with what it means', async () => {
    const sidebar = await openAtRecordingEnd('sidebar', { theme: 'dark', width: 320, height: 640 });
    const sources = recording.snapshot.sources.map((source) => ({ ...source, eventsDroppedBySource: 7940, partiesRefused: 950_000 }));
    await sidebar.postFromHost({ type: 'didSnapshot', snapshot: { ...recording.snapshot, sources }, serverState: 'running' } satisfies SidebarHostMessage);
    const detail = sidebar.page.locator('.source-detail.has-problems').first();
    await detail.waitFor();
    assert.match(await detail.innerText(), /7,940 not delivered · 950,000 locks not tracked/);
    assert.match((await detail.getAttribute('title')) ?? '', /could not deliver .*the timeline marks where/);
    await sidebar.page.screenshot({ path: join(SCREENSHOTS, 'sidebar-gaps-dark.png') });
    await sidebar.page.context().close();
  });

  test('filters and sorts resources, and keeps the choice through a reload', async () => {
    const sidebar = await openSidebar({ theme: 'dark', width: 320, height: 800 });
    const page = sidebar.page;
    await page.getByRole('searchbox', { name: /Filter resources/ }).fill('counter');
    await page.waitForFunction(() => Array.from((globalThis as unknown as { document: PageDocument }).document.querySelectorAll('.resource-rows .resource-row:not([hidden])')).every((row) => row.getAttribute('data-resource')?.includes('counter')));
    await page.getByRole('combobox', { name: 'Sort resources' }).selectOption('name');
    assert.deepEqual(await sidebar.savedState(), { query: { sort: 'name', text: 'counter', onlyBusy: false } });
    await page.context().close();
  });

  test('10,000 resources render only the rows in view', async () => {
    const sidebar = await openAtRecordingEnd('sidebar', { theme: 'dark', width: 320, height: 800 });
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
      const resourceIds = new Set(recording.history.flatMap((event) => ('resource' in event ? [event.resource] : [])));
      assert.deepEqual(new Set(KNOWN.lanes), resourceIds, 'a lane for each resource the recording names');
      const timeline = await openTimeline({ theme, width: 1280, height: 640 });
      const page = timeline.page;
      const newest = Math.max(...recording.history.map((event) => event.atMs));
      assert.equal(Number(await page.locator('#root').getAttribute('data-rendered-through-ms')), newest);
      assert.match(await page.locator('.status-text').innerText(), new RegExp(`^Live · 8 of 8 resources · ${recording.history.length} events · 1 source connected$`));
      // Pause and fit so the screenshot shows the whole recording.
      await page.locator('.scroller').focus();
      await page.keyboard.press('Space');
      await page.keyboard.press('0');
      await page.locator('.status-text', { hasText: /^Paused · / }).waitFor();
      await page.screenshot({ path: join(SCREENSHOTS, `timeline-${theme}.png`) });
      await page.context().close();
    });
  }

  test('events a source could not deliver: the status line counts them and its lanes mark where they resume', async () => {
    const timeline = await openAtRecordingEnd('timeline', { theme: 'dark', width: 1280, height: 640 });
    const newest = Math.max(...recording.history.map((event) => event.atMs));
    const gap: SourcedEvent = { type: 'eventsDropped', atMs: newest - 500, count: 7940, sourceId: recording.history[0]!.sourceId };
    const history = [...recording.history.filter((event) => event.atMs <= gap.atMs), gap, ...recording.history.filter((event) => event.atMs > gap.atMs)];
    const snapshot = { ...recording.snapshot, sources: recording.snapshot.sources.map((source) => ({ ...source, eventsDroppedBySource: 7940 })) };
    for (const message of timelineSnapshotMessages({ snapshot: () => snapshot, history: () => history, subscribe: () => () => undefined })) await timeline.postFromHost(message);
    assert.deepEqual(await visibleLanes(timeline), KNOWN.lanes);
    assert.match(await timeline.page.locator('.status-text').innerText(), /7,940 events not delivered by servers \(dashed marks on their lanes show where\)/);
    await timeline.page.screenshot({ path: join(SCREENSHOTS, 'timeline-gap-dark.png') });
    await timeline.page.context().close();
  });

  test('keyboard: lanes, events, details and jump to the handler', async () => {
    const timeline = await openTimeline({ theme: 'dark', width: 1280, height: 640 });
    const page = timeline.page;
    await page.locator('.scroller').focus();
    // Down from no lane lands on the first; five more reach account:fees.
    for (let press = 0; press < 6; press++) await page.keyboard.press('ArrowDown');
    assert.equal(await page.locator('#timeline-announcer').innerText(), 'account:fees, resource 6 of 8, 3 incidents');
    await page.keyboard.press('ArrowRight');
    const details = page.locator('.details');
    await details.waitFor();
    assert.equal(await details.locator('h2').innerText(), KNOWN.firstOnFees.title);
    await page.screenshot({ path: join(SCREENSHOTS, 'timeline-selected-dark.png') });
    await page.keyboard.press('Enter');
    assert.deepEqual((await timeline.sentToHost()).at(-1), { type: 'revealTool', tool: KNOWN.firstOnFees.tool });
    await page.keyboard.press('Escape');
    assert.equal(await details.isVisible(), false);
    await page.context().close();
  });

  test('reduced motion: the live view redraws about once a second instead of every frame', async () => {
    const framesIn2s = async (reducedMotion: boolean): Promise<number> => {
      const timeline = await openTimeline({ theme: 'dark', width: 1000, height: 500, reducedMotion });
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
    const timeline = await openTimeline({ theme: 'light', width: 1000, height: 500 });
    const page = timeline.page;
    await timeline.postFromHost({ type: 'didSetFilter', filter: { tool: 'transfer', onlyContended: true } } satisfies TimelineHostMessage);
    assert.equal(await page.getByRole('combobox', { name: 'Tool' }).inputValue(), 'transfer');
    assert.equal(await page.getByRole('checkbox', { name: 'Only contended' }).isChecked(), true);
    assert.deepEqual(await visibleLanes(timeline, KNOWN.contendedByTransfer.length), KNOWN.contendedByTransfer);
    const saved = (await timeline.savedState()) as { filter: unknown };
    assert.deepEqual(saved.filter, { tool: 'transfer', onlyContended: true });

    const restored = await openWebview(browser, 'timeline', { theme: 'light', width: 1000, height: 500, savedState: saved });
    assert.equal(await restored.page.getByRole('combobox', { name: 'Tool' }).inputValue(), 'transfer');
    assert.equal(await restored.page.getByRole('checkbox', { name: 'Only contended' }).isChecked(), true);
    await page.context().close();
    await restored.page.context().close();
  });

  test('hover shows who held what; cleared history empties the lanes', async () => {
    const timeline = await openTimeline({ theme: 'dark', width: 1280, height: 640 });
    const page = timeline.page;
    const { x, y } = await pointOf(timeline, KNOWN.longHold.lane, KNOWN.longHold.msBeforeEnd);
    await page.mouse.move(x, y);
    const tooltip = page.locator('.tooltip');
    await tooltip.waitFor();
    assert.equal(await tooltip.locator('strong').innerText(), KNOWN.longHold.title);
    assert.match(await tooltip.locator('span').first().innerText(), KNOWN.longHold.facts);
    await page.screenshot({ path: join(SCREENSHOTS, 'timeline-hover-dark.png') });
    // Before the recording began the lane is empty: the tooltip goes.
    await page.mouse.move((await pointOf(timeline, KNOWN.longHold.lane, 3000)).x, y);
    await tooltip.waitFor({ state: 'hidden' });
    await timeline.postFromHost(timelineChangeMessage({ snapshot: recording.snapshot, events: [], cleared: true }));
    await page.locator('.overlay-card').waitFor();
    assert.match(await page.locator('.overlay-card').innerText(), /No lock events yet/);
    assert.match(await page.locator('.status-text').innerText(), /^Live · 0 of 0 resources · /);
    await page.context().close();
  });
});

// The built sidebar and timeline bundles in headless Chromium, fed a session recorded once from the real demo server
// through the real inspector channel and model (demoFixture.ts); a stub host (see webviewHarness.ts) stands in for
// VS Code. Each page's clock stands still at the recording's last moment, so every bar sits at a known place.
// Checks go through the DOM; PNG screenshots in light, dark and high contrast land in screenshots/.
import { strict as assert } from 'node:assert';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import type { InspectorSnapshot, SourceInfo, SourcedEvent } from '../../extension/contract/inspectorSnapshot';
import { leaseLostHeadline, lostUpdateHeadline, timeCursorBannerText } from '../../extension/contract/describe';
import type { ModelChange } from '../../extension/contract/inspectorSnapshot';
import { ShownModel } from '../../extension/inspector/shownModel';
import { formatClock } from '../../webview/shared/format';
import type { SidebarHostMessage, TimelineHostMessage } from '../../extension/contract/webviewMessages';
import { timelineChangeMessage, timelineSnapshotMessages } from '../../extension/host/views/timelineMessages';
import { DEFAULT_MS_PER_PIXEL } from '../../webview/timeline/timeScale';
import { launchChromium } from '../../tools/chromium.mjs';
import { loadDemoFixture } from './demoFixture';
import type { ThemeKind } from './vscodeThemes';
import { openWebview, type HarnessOptions, type WebviewHarness } from '../support/webviewHarness';
import { fromSource, LockEventFactory } from '../support/lockEvents';

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

/** The recording's last moment: a live timeline's "now", at the right edge of the lanes. */
const END_MS = recording.snapshot.atMs;

/** The recording with a lost update on a file the demo tools share, its three steps in view near the end. */
function withLostUpdate(): { history: SourcedEvent[]; event: Extract<SourcedEvent, { type: 'lostUpdate' }> } {
  const staleWriter = { tool: 'deposit', requestId: 90, sessionId: 'demo-load' };
  const overwritten = { tool: 'transfer', requestId: 91, sessionId: 'demo-load' };
  const made = new LockEventFactory().lostUpdate('/srv/bank/ledger.json', 900, END_MS - 300, staleWriter, overwritten);
  const event = {
    ...made,
    read: { atMs: END_MS - 1100, location: 'extension/demoServer/bankStore.ts:41:5' },
    overwritten: { ...made.overwritten, atMs: END_MS - 700, location: 'extension/demoServer/bankStore.ts:52:7' },
    staleWrite: { atMs: END_MS - 300, location: 'extension/demoServer/bankStore.ts:52:7' },
    sourceId: recording.history[0]!.sourceId,
  } satisfies SourcedEvent;
  return { history: [...recording.history.filter((each) => each.atMs <= event.atMs), event, ...recording.history.filter((each) => each.atMs > event.atMs)], event };
}

/** Three replicas of the bundled server sharing one Redis: transfers hand account:alice and account:bob over between them; r2 dies holding account:alice and r3 gets it when r2's 2 s lease has run out. */
function replicaSession(): { snapshot: InspectorSnapshot; history: SourcedEvent[]; goneAtMs: number; takenAtMs: number } {
  const make = new LockEventFactory();
  const replicas = ['r1', 'r2', 'r3'];
  const sourceOf = (replica: string): string => `replica-${replica}`;
  const startMs = END_MS - 6000;
  const sources: SourceInfo[] = replicas.map((replica, index) => ({
    id: sourceOf(replica),
    label: `replica '${replica}'`,
    kind: 'external',
    pid: 41_000 + index,
    connected: replica !== 'r2',
    connectedAtMs: startMs - 1000,
    eventsReceived: 0,
    eventsDroppedBySource: 0,
    linesRejected: 0,
    partiesRefused: 0,
    replica,
    leaseMs: 2000,
  }));
  const history: SourcedEvent[] = [];
  let requestId = 0;
  const owner = (replica: string) => ({ tool: ['transfer', 'deposit'][requestId % 2]!, requestId: ++requestId, replica });
  // Back-to-back holds of 180 ms, each by the next replica in turn, the next one queued 40 ms before the hand-over.
  for (const [resource, offsetMs] of [['account:alice', 0], ['account:bob', 90]] as const) {
    for (let turn = 0; turn < 12; turn++) {
      const replica = replicas[turn % 3]!;
      const at = startMs + offsetMs + turn * 180;
      const who = owner(replica);
      history.push(...fromSource(sourceOf(replica), [make.requested(resource, turn, at - 40, who, 'write', 1), make.acquired(resource, turn, at, 40, who), make.released(resource, turn, at + 170, 170, who)]));
    }
  }
  const goneAtMs = END_MS - 3000;
  const takenAtMs = goneAtMs + 2000;
  const dying = owner('r2');
  const next = owner('r3');
  history.push(...fromSource(sourceOf('r2'), [make.requested('account:alice', 50, goneAtMs - 400, dying), make.acquired('account:alice', 50, goneAtMs - 400, 0, dying)]));
  history.push(...fromSource(sourceOf('r3'), [make.requested('account:alice', 51, goneAtMs - 300, next, 'write', 1)]));
  history.push({ type: 'sourceGone', atMs: goneAtMs, sourceId: sourceOf('r2') });
  history.push(...fromSource(sourceOf('r3'), [make.acquired('account:alice', 51, takenAtMs, takenAtMs - (goneAtMs - 300), next), make.released('account:alice', 51, takenAtMs + 600, 600, next)]));
  history.sort((a, b) => a.atMs - b.atMs);
  const snapshot: InspectorSnapshot = { ...recording.snapshot, sources, resources: [], tools: ['deposit', 'transfer'].map((tool) => ({ ...recording.snapshot.tools[0]!, tool })), warnings: [] };
  return { snapshot, history, goneAtMs, takenAtMs };
}

/** A live timeline fed `history` with `snapshot` as the host would send them. */
async function openTimelineWith(options: HarnessOptions, snapshot: InspectorSnapshot, history: readonly SourcedEvent[]): Promise<WebviewHarness> {
  const timeline = await openAtRecordingEnd('timeline', options);
  for (const message of timelineSnapshotMessages({ snapshot: () => snapshot, history: () => history, subscribe: () => () => undefined })) await timeline.postFromHost(message);
  await timeline.page.waitForFunction((newest) => (globalThis as unknown as { document: { getElementById(id: string): { dataset: Record<string, string> } } }).document.getElementById('root').dataset['renderedThroughMs'] === String(newest), Math.max(...history.map((event) => event.atMs)));
  return timeline;
}

/** Where a live timeline at the default zoom draws time `atMs` on the lane in row `row`. */
async function pointAt(timeline: WebviewHarness, row: number, atMs: number): Promise<{ x: number; y: number }> {
  const scroller = timeline.page.locator('.scroller');
  const box = (await scroller.boundingBox())!;
  const widthPx = await scroller.evaluate((element) => (element as unknown as { clientWidth: number }).clientWidth);
  return { x: box.x + widthPx - (END_MS - atMs) / DEFAULT_MS_PER_PIXEL, y: box.y + AXIS_HEIGHT_PX + row * LANE_HEIGHT_PX + LANE_HEIGHT_PX / 2 };
}

/** The colour the lanes' canvas has at a point of the page, as red, green, blue 0-255. */
async function canvasPixel(harness: WebviewHarness, x: number, y: number): Promise<number[]> {
  return harness.page.evaluate(
    ([pageX, pageY]) => {
      type Canvas = { width: number; getBoundingClientRect(): { left: number; top: number; width: number }; getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> } } };
      const canvas = (globalThis as unknown as { document: { querySelector(selector: string): Canvas } }).document.querySelector('.lanes-canvas');
      const bounds = canvas.getBoundingClientRect();
      const ratio = canvas.width / bounds.width;
      const { data } = canvas.getContext('2d').getImageData(Math.round((pageX! - bounds.left) * ratio), Math.round((pageY! - bounds.top) * ratio), 1, 1);
      return [data[0]!, data[1]!, data[2]!];
    },
    [x, y],
  );
}

/** The colour a point of the page shows on screen (the canvas and whatever lies over it), as red, green, blue 0-255. */
async function screenPixel(harness: WebviewHarness, x: number, y: number): Promise<number[]> {
  const png = await harness.page.screenshot({ clip: { x: Math.round(x), y: Math.round(y), width: 1, height: 1 } });
  // Decoded by a blank page of the same browser: no PNG library needed.
  const decoder = await browser.newPage();
  try {
    return await decoder.evaluate(async (base64) => {
      type Context = { drawImage(image: unknown, x: number, y: number): void; getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> } };
      const page = globalThis as unknown as { createImageBitmap(blob: unknown): Promise<unknown>; Blob: new (parts: unknown[], options: { type: string }) => unknown; OffscreenCanvas: new (w: number, h: number) => { getContext(kind: '2d'): Context } };
      const bytes = Uint8Array.from(atob(base64), (char) => char.charCodeAt(0));
      const image = await page.createImageBitmap(new page.Blob([bytes], { type: 'image/png' }));
      const context = new page.OffscreenCanvas(1, 1).getContext('2d');
      context.drawImage(image, 0, 0);
      const { data } = context.getImageData(0, 0, 1, 1);
      return [data[0]!, data[1]!, data[2]!];
    }, png.toString('base64'));
  } finally {
    await decoder.close();
  }
}

/** The background colour the legend swatch of `name` (a tool or a replica) computes to, as red, green, blue. */
async function legendColor(harness: WebviewHarness, name: string): Promise<number[]> {
  const swatch = harness.page.locator('.tool-legend-item', { hasText: new RegExp(`^${name}$`) }).locator('.tool-swatch');
  return rgbOf(await swatch.evaluate((element) => (globalThis as unknown as { getComputedStyle(element: unknown): { backgroundColor: string } }).getComputedStyle(element).backgroundColor));
}

/** A computed CSS colour (`rgb(...)` or `color(srgb ...)`) as red, green, blue 0-255. */
function rgbOf(css: string): number[] {
  const numbers = (css.match(/[\d.]+/g) ?? []).map(Number);
  return css.startsWith('color(') ? numbers.slice(0, 3).map((value) => Math.round(value * 255)) : numbers.slice(0, 3);
}

/** Whether two colours are the same to within rounding. */
function sameColor(a: readonly number[], b: readonly number[]): boolean {
  return a.every((value, index) => Math.abs(value - b[index]!) <= 3);
}

/** The last message the webview sent of `type`. */
async function lastSent<T extends string>(harness: WebviewHarness, type: T): Promise<({ type: T } & Record<string, unknown>) | undefined> {
  return (await harness.sentToHost()).filter((message): message is { type: T } & Record<string, unknown> => (message as { type?: string }).type === type).at(-1);
}

describe('timeline: lost updates, replicas, time cursor', () => {
  for (const theme of THEMES) {
    test(`a lost update: a lane of its file, the interleaving drawn, both calls and the three sites in details (${theme})`, async () => {
      const { history, event } = withLostUpdate();
      const timeline = await openTimelineWith({ theme, width: 1280, height: 640 }, recording.snapshot, history);
      const page = timeline.page;
      const lanes = await visibleLanes(timeline, KNOWN.lanes.length + 1);
      const row = lanes.indexOf(event.key);
      assert.ok(row >= 0, `a lane for ${event.key}: ${lanes}`);
      // Between the read and the stale write, on the stale writer's row: the lost update, not a bar.
      const middle = await pointAt(timeline, row, event.overwritten.atMs - 100);
      await page.mouse.move(middle.x, middle.y - 4);
      const tooltip = page.locator('.tooltip');
      await tooltip.locator('strong', { hasText: 'Lost update' }).waitFor();
      assert.equal(await tooltip.locator('strong').innerText(), lostUpdateHeadline(event));
      assert.match(await tooltip.locator('span').first().innerText(), /^Read: deposit #90 at [\d:.]+ · Interleaved write: transfer #91 at [\d:.]+, 400 ms after the read · Stale write: deposit #90 at [\d:.]+, 800 ms after the read: the other write is lost$/);
      await page.screenshot({ path: join(SCREENSHOTS, `timeline-lost-update-${theme}.png`) });
      await page.mouse.down();
      await page.mouse.up();
      const details = page.locator('.details');
      await details.waitFor();
      const sites = details.locator('.details-sites li');
      assert.deepEqual(await sites.allInnerTexts(), [
        'deposit #90 read: extension/demoServer/bankStore.ts:41:5',
        'transfer #91 wrote: extension/demoServer/bankStore.ts:52:7',
        'deposit #90 wrote stale: extension/demoServer/bankStore.ts:52:7',
      ]);
      await sites.nth(0).getByRole('button').click();
      assert.deepEqual(await lastSent(timeline, 'revealSource'), { type: 'revealSource', location: 'extension/demoServer/bankStore.ts:41:5' });
      await page.screenshot({ path: join(SCREENSHOTS, `timeline-lost-update-details-${theme}.png`) });
      // Zoomed in around it (the selection stays put), the three steps stand apart.
      await page.locator('.scroller').focus();
      await page.keyboard.press('+');
      await page.keyboard.press('+');
      await page.screenshot({ path: join(SCREENSHOTS, `timeline-lost-update-zoomed-${theme}.png`) });
      const zoomed = await page.locator('#root').evaluate((root) => (root as unknown as { dataset: Record<string, string> }).dataset);
      const selectedX = (await pointAt(timeline, row, event.atMs)).x;
      const endX = (await page.locator('.scroller').boundingBox())!.x + (await page.locator('.scroller').evaluate((element) => (element as unknown as { clientWidth: number }).clientWidth));
      const middleX = endX - (Number(zoomed['windowEndMs']) - (event.read.atMs + event.atMs) / 2) / Number(zoomed['msPerPixel']);
      assert.ok(Math.abs(endX - (Number(zoomed['windowEndMs']) - event.atMs) / Number(zoomed['msPerPixel']) - selectedX) < 2, 'zooming kept the stale write where it was');
      // Drawn: the other call's write is a dot in transfer's colour on the lower row, the stale write a failure-coloured square.
      const xAt = (atMs: number): number => endX - (Number(zoomed['windowEndMs']) - atMs) / Number(zoomed['msPerPixel']);
      const laneTop = middle.y - LANE_HEIGHT_PX / 2;
      const transferColor = await legendColor(timeline, 'transfer');
      assert.ok(sameColor(await canvasPixel(timeline, xAt(event.overwritten.atMs), laneTop + 21), transferColor), 'the interleaved write is drawn in its tool colour');
      const [red, green] = await canvasPixel(timeline, xAt(event.atMs) - 3, laneTop + 8);
      assert.ok(red! > green! + 80, `the stale write is drawn in the failure colour (${red}, ${green})`);
      // Selected, it is where the time cursor stands: the line leaves its lane out, so the square shows whole on screen.
      const onSquare = { x: Math.round(xAt(event.atMs)), y: laneTop + 6 };
      assert.deepEqual(await screenPixel(timeline, onSquare.x, onSquare.y), await canvasPixel(timeline, onSquare.x, onSquare.y), 'the time cursor line does not cover the selected stale write');
      const cursorColor = rgbOf(await page.locator('.time-cursor-line').evaluate((element) => (globalThis as unknown as { getComputedStyle(element: unknown): { backgroundColor: string } }).getComputedStyle(element).backgroundColor));
      assert.ok(sameColor(await screenPixel(timeline, onSquare.x, laneTop - LANE_HEIGHT_PX / 2), cursorColor), 'the line is drawn on the other lanes');
      await page.mouse.move(middleX, middle.y - 4);
      await tooltip.locator('strong', { hasText: 'Lost update' }).waitFor();
      await page.mouse.dblclick(middleX, middle.y - 4);
      assert.deepEqual(await lastSent(timeline, 'revealSource'), { type: 'revealSource', location: event.staleWrite.location }, 'a double-click opens the stale write');
      assert.deepEqual(await lastSent(timeline, 'showStateAt'), { type: 'showStateAt', atMs: event.atMs }, 'selecting it puts the time cursor at the stale write');
      await page.context().close();
    });
  }

  for (const theme of THEMES) {
    test(`replicas: colour by replica, one lane per resource, and a dead replica's lease running out before the hand-over (${theme})`, async () => {
      const { snapshot, history, goneAtMs, takenAtMs } = replicaSession();
      const timeline = await openTimelineWith({ theme, width: 1280, height: 480 }, snapshot, history);
      const page = timeline.page;
      assert.equal((await visibleLanes(timeline, 6)).join(' '), 'account:alice account:alice account:alice account:bob account:bob account:bob', 'a lane per resource of each replica at first');
      await page.getByRole('combobox', { name: 'Colour bars by' }).selectOption('replica');
      await page.locator('.tool-legend[aria-label="Replica colours"]').waitFor();
      assert.deepEqual(await page.locator('.tool-legend .legend-item').allInnerTexts(), ['r1', 'r2', 'r3']);
      await page.getByRole('combobox', { name: 'Lanes', exact: true }).selectOption('resource');
      assert.deepEqual(await visibleLanes(timeline, 2), ['account:alice', 'account:bob']);
      assert.match(await page.locator('.status-text').innerText(), /^Live · 2 of 2 resources · \d+ events · 2 sources connected$/);
      assert.deepEqual((await timeline.savedState()) as Record<string, unknown>, { filter: {}, msPerPixel: DEFAULT_MS_PER_PIXEL, laneOrder: 'name', colorBy: 'replica', laneGrouping: 'resource' });
      // Bars take their replica's colour: r2 held account:alice from 0.4 s before it went away.
      const r2Color = await legendColor(timeline, 'r2');
      const dyingHold = await pointAt(timeline, 0, goneAtMs - 200);
      assert.ok(sameColor(await canvasPixel(timeline, dyingHold.x, dyingHold.y - 4), r2Color), "r2's hold is drawn in r2's colour");
      // Between r2 going away and r3 getting the lock, the lane shows r2's lease running out.
      const lease = await pointAt(timeline, 0, (goneAtMs + takenAtMs) / 2);
      await page.mouse.move(lease.x, lease.y - 4);
      const tooltip = page.locator('.tooltip');
      await tooltip.locator('strong', { hasText: 'lease' }).waitFor();
      assert.match(await tooltip.locator('strong').innerText(), /^(deposit|transfer) #\d+ on replica 'r2' went away holding account:alice; its lease ran out$/);
      assert.match(await tooltip.locator('span').first().innerText(), /^Lease: ran out within 2 s after its process went away · Taken by: (deposit|transfer) #\d+ on replica 'r3' · /);
      await page.screenshot({ path: join(SCREENSHOTS, `timeline-replicas-${theme}.png`) });
      // The next holder's bar starts where the lease ended, and says which replica it ran on.
      const next = await pointAt(timeline, 0, takenAtMs + 300);
      await page.mouse.click(next.x, next.y - 4);
      const details = page.locator('.details');
      await details.locator('h2', { hasText: "on replica 'r3' held account:alice" }).waitFor();
      assert.match(await details.locator('.fact', { has: page.locator('dt', { hasText: /^Replica$/ }) }).innerText(), /^Replica\s+r3$/);
      // A narrow editor group: the controls wrap, the details stack under the lanes.
      await page.setViewportSize({ width: 640, height: 480 });
      await page.screenshot({ path: join(SCREENSHOTS, `timeline-replicas-narrow-${theme}.png`) });
      await page.context().close();
    });
  }

  for (const theme of THEMES) {
    test(`a 300 px panel: the hint under the lanes wraps inside it (${theme})`, async () => {
      const timeline = await openTimeline({ theme, width: 300, height: 900 });
      const page = timeline.page;
      const lanesBottom = AXIS_HEIGHT_PX + KNOWN.lanes.length * LANE_HEIGHT_PX;
      // Which rows and columns right of the gutter, below the lanes, have anything but the background drawn.
      const ink = await page.evaluate((top) => {
        type Canvas = { width: number; height: number; getBoundingClientRect(): { width: number }; getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> } } };
        const canvas = (globalThis as unknown as { document: { querySelector(selector: string): Canvas } }).document.querySelector('.lanes-canvas');
        const ratio = canvas.width / canvas.getBoundingClientRect().width;
        const from = Math.round(top * ratio);
        const { data } = canvas.getContext('2d').getImageData(0, from, canvas.width, canvas.height - from);
        const background = ((canvas.height - from) * canvas.width - 1) * 4;
        const rows = new Set<number>();
        let rightmost = -1;
        // From the middle of the time area: the gutter, left of it, is another colour.
        for (let y = 0; y < canvas.height - from; y++) {
          for (let x = Math.round(canvas.width / 2); x < canvas.width; x++) {
            const pixel = (y * canvas.width + x) * 4;
            if (Math.abs(data[pixel]! - data[background]!) + Math.abs(data[pixel + 1]! - data[background + 1]!) + Math.abs(data[pixel + 2]! - data[background + 2]!) > 48) {
              rows.add(Math.floor(y / ratio / 4));
              rightmost = Math.max(rightmost, x / ratio);
            }
          }
        }
        return { rightmost, bands: rows.size, widthPx: canvas.width / ratio };
      }, lanesBottom);
      await page.screenshot({ path: join(SCREENSHOTS, `timeline-narrow-hint-${theme}.png`) });
      assert.ok(ink.rightmost >= 0, 'the hint is drawn');
      assert.ok(ink.rightmost < ink.widthPx - 8, `the hint stays inside the panel: ink at ${ink.rightmost} of ${ink.widthPx} px`);
      assert.ok(ink.bands >= 8, `the hint wraps onto several lines (${ink.bands} bands of 4 px with text)`);
      await page.context().close();
    });
  }

  for (const theme of THEMES) {
    test(`a lost lease: its own marker on the resource's lane, in the legend, with holder, hold, lease and fencing token; the bar goes on hatched after it (${theme})`, async () => {
      const { snapshot, history: replicaHistory } = replicaSession();
      const make = new LockEventFactory();
      const owner = { tool: 'transfer', requestId: 70, replica: 'r3' };
      const [acquiredAtMs, lostAtMs, releasedAtMs] = [END_MS - 2600, END_MS - 600, END_MS - 300];
      const lost = fromSource('replica-r3', [
        make.requested('account:erin', 70, acquiredAtMs, owner),
        make.acquired('account:erin', 70, acquiredAtMs, 0, owner),
        make.leaseLost('account:erin', 70, lostAtMs, lostAtMs - acquiredAtMs, 2000, 42, owner),
        make.released('account:erin', 70, releasedAtMs, releasedAtMs - acquiredAtMs, owner),
      ]);
      const history = [...replicaHistory, ...lost].sort((a, b) => a.atMs - b.atMs);
      const timeline = await openTimelineWith({ theme, width: 1280, height: 480 }, snapshot, history);
      const page = timeline.page;
      const row = (await visibleLanes(timeline, 7)).indexOf('account:erin');
      assert.equal(row, 6, 'account:erin has a lane, the last');
      const swatch = page.locator('.legend-item', { hasText: /^lease lost/ }).locator('.legend-swatch');
      const leaseLostColor = rgbOf(await swatch.evaluate((element) => (globalThis as unknown as { getComputedStyle(element: unknown): { backgroundColor: string } }).getComputedStyle(element).backgroundColor));
      const markerColors = await Promise.all(['timeout', 'long-hold', 'aborted', 'lost-update'].map(async (kind) => rgbOf(await page.locator(`.legend-swatch.${kind}`).evaluate((element) => (globalThis as unknown as { getComputedStyle(element: unknown): { backgroundColor: string } }).getComputedStyle(element).backgroundColor))));
      assert.ok(markerColors.every((color) => !sameColor(color, leaseLostColor)), `the lost lease's colour ${leaseLostColor} is none of the other markers' ${JSON.stringify(markerColors)}`);
      // The hourglass: its upper half, just above the lane's hold row middle, in the lost lease's colour.
      const marker = await pointAt(timeline, row, lostAtMs);
      assert.ok(sameColor(await canvasPixel(timeline, marker.x, marker.y - 8), leaseLostColor), 'the marker is drawn in the lost lease colour');
      // Before the lease ran out the bar is solid in its tool's colour; after it, hatched (not one colour across).
      const transferColor = await legendColor(timeline, 'transfer');
      const solid = await pointAt(timeline, row, lostAtMs - 800);
      assert.ok(sameColor(await canvasPixel(timeline, solid.x, solid.y - 4), transferColor), 'held with its lease: a solid bar');
      const tail = await pointAt(timeline, row, (lostAtMs + releasedAtMs) / 2);
      const tailPixels = await Promise.all([0, 1, 2, 3, 4, 5].map((dx) => canvasPixel(timeline, tail.x + dx, tail.y - 4)));
      assert.ok(tailPixels.some((pixel) => !sameColor(pixel, transferColor)), 'after the lease ran out the bar is hatched');
      await page.mouse.move(marker.x, marker.y - 4);
      const tooltip = page.locator('.tooltip');
      await tooltip.locator('strong', { hasText: 'Lease lost' }).waitFor();
      assert.equal(await tooltip.locator('strong').innerText(), leaseLostHeadline({ chainId: 70, owner }, 'account:erin'));
      assert.match(await tooltip.locator('span').first().innerText(), /^Held: 2 s · Lease: 2 s, not renewed in time · Fencing token: 42: writes checked against it are refused$/);
      await page.screenshot({ path: join(SCREENSHOTS, `timeline-lease-lost-${theme}.png`) });
      await page.mouse.click(tail.x, tail.y - 4);
      const details = page.locator('.details');
      await details.locator('h2', { hasText: "transfer #70 on replica 'r3' held account:erin" }).waitFor();
      assert.match(await details.locator('.fact', { has: page.locator('dt', { hasText: /^Held$/ }) }).innerText(), /^Held\s+2 s, until its 2 s lease ran out; its work went on 300 ms without the lock$/);
      await page.setViewportSize({ width: 300, height: 900 });
      await page.screenshot({ path: join(SCREENSHOTS, `timeline-lease-lost-narrow-${theme}.png`) });
      // In a 300 px panel the controls wrap inside it, and a long fact wraps inside the details, instead of running off the right edge.
      for (const control of await page.locator('.toolbar select, .toolbar input, .toolbar button').all()) {
        const box = (await control.boundingBox())!;
        assert.ok(box.x + box.width <= 300.5, `the control '${await control.getAttribute('aria-label') ?? await control.getAttribute('title')}' ends at ${box.x + box.width} px, past the panel's 300 px`);
      }
      const detailsRight = (await details.boundingBox())!.x + (await details.boundingBox())!.width;
      for (const fact of await details.locator('.fact').all()) {
        const box = (await fact.boundingBox())!;
        assert.ok(box.x + box.width <= detailsRight + 0.5, `'${await fact.innerText()}' ends at ${box.x + box.width} px, past the details' ${detailsRight} px`);
      }
      await page.context().close();
    });
  }

  test('the time cursor: drag it on the axis and by its line, step event by event, Escape returns to now; the host taking it away hides it', async () => {
    const timeline = await openTimeline({ theme: 'dark', width: 1280, height: 640 });
    const page = timeline.page;
    const cursor = page.locator('.time-cursor');
    assert.equal(await cursor.isVisible(), false);
    const axisY = (await page.locator('.scroller').boundingBox())!.y + AXIS_HEIGHT_PX / 2;
    const from = await pointAt(timeline, 0, END_MS - 1500);
    const to = await pointAt(timeline, 0, END_MS - 1000);
    await page.mouse.move(from.x, axisY);
    await page.mouse.down();
    await page.mouse.move(to.x, axisY, { steps: 5 });
    await page.mouse.up();
    await cursor.waitFor();
    const sentAt = async (): Promise<number> => {
      await page.waitForFunction(() => ((globalThis as unknown as { sentToHost: { type: string }[] }).sentToHost.filter((message) => message.type === 'showStateAt').length > 0));
      return (await lastSent(timeline, 'showStateAt'))!['atMs'] as number;
    };
    // The last drag position reaches the host (within a pixel) once the posting interval has passed.
    await page.waitForFunction((expected) => Math.abs(Number((globalThis as unknown as { document: { getElementById(id: string): { dataset: Record<string, string> } } }).document.getElementById('root').dataset['cursorMs']) - expected) <= 10, END_MS - 1000);
    await page.waitForFunction((expected) => {
      const sent = (globalThis as unknown as { sentToHost: { type: string; atMs?: number }[] }).sentToHost.filter((message) => message.type === 'showStateAt').at(-1);
      return sent?.atMs !== undefined && Math.abs(sent.atMs - expected) <= 10;
    }, END_MS - 1000);
    assert.match(await cursor.locator('.time-cursor-time').innerText(), /^[\d:.]+ · 1(\.\d+)? s ago$/);
    await page.screenshot({ path: join(SCREENSHOTS, 'timeline-cursor-dark.png') });

    // Grab the line itself and drag it half a second later.
    const line = (await cursor.boundingBox())!;
    const later = await pointAt(timeline, 3, END_MS - 500);
    await page.mouse.move(line.x + 1, later.y);
    await page.mouse.down();
    await page.mouse.move(later.x, later.y, { steps: 4 });
    await page.mouse.up();
    await page.waitForFunction((expected) => {
      const sent = (globalThis as unknown as { sentToHost: { type: string; atMs?: number }[] }).sentToHost.filter((message) => message.type === 'showStateAt').at(-1);
      return sent?.atMs !== undefined && Math.abs(sent.atMs - expected) <= 10;
    }, END_MS - 500);

    // Shift+Right: the next moment anything happened, on any lane; Shift+Left back before it.
    const eventTimes = new Set(recording.history.flatMap((event) => [event.atMs, ...('heldMs' in event ? [event.atMs - event.heldMs] : []), ...('waitedMs' in event ? [event.atMs - event.waitedMs] : [])]));
    const before = await sentAt();
    await page.locator('.scroller').focus();
    await page.keyboard.press('Shift+ArrowRight');
    await page.waitForFunction((previous) => ((globalThis as unknown as { sentToHost: { type: string; atMs?: number }[] }).sentToHost.filter((message) => message.type === 'showStateAt').at(-1)?.atMs ?? 0) > previous, before);
    const stepped = await sentAt();
    assert.ok(eventTimes.has(stepped), `the cursor stepped to ${stepped}, when nothing happened`);
    assert.match(await page.locator('#timeline-announcer').innerText(), /^[\d:.]+: /);
    // Back one event and forward one again land on the same moments: the steps are the events, not a distance.
    await page.keyboard.press('Shift+ArrowLeft');
    await page.waitForFunction((previous) => ((globalThis as unknown as { sentToHost: { type: string; atMs?: number }[] }).sentToHost.filter((message) => message.type === 'showStateAt').at(-1)?.atMs ?? Infinity) < previous, stepped);
    const back = await sentAt();
    assert.ok(eventTimes.has(back) && back <= before + 10, `one step back from ${stepped} went to ${back}`);
    await page.keyboard.press('Shift+ArrowRight');
    await page.waitForFunction((previous) => ((globalThis as unknown as { sentToHost: { type: string; atMs?: number }[] }).sentToHost.filter((message) => message.type === 'showStateAt').at(-1)?.atMs ?? 0) > previous, back);
    assert.equal(await sentAt(), stepped);

    await page.keyboard.press('Escape');
    await cursor.waitFor({ state: 'hidden' });
    await page.waitForFunction(() => (globalThis as unknown as { sentToHost: { type: string; atMs?: number }[] }).sentToHost.filter((message) => message.type === 'showStateAt').at(-1)?.atMs === undefined);

    // The sidebar's Escape (or Show Live) takes the cursor away on the host: the line goes too.
    await page.keyboard.press('Shift+ArrowRight');
    await cursor.waitFor();
    await page.waitForFunction(() => (globalThis as unknown as { sentToHost: { type: string; atMs?: number }[] }).sentToHost.filter((message) => message.type === 'showStateAt').at(-1)?.atMs !== undefined);
    const posted = await sentAt();
    await timeline.postFromHost({ ...timelineChangeMessage({ snapshot: recording.snapshot, events: [], cleared: false }, posted) });
    await timeline.postFromHost(timelineChangeMessage({ snapshot: recording.snapshot, events: [], cleared: false }));
    await cursor.waitFor({ state: 'hidden' });
    await page.context().close();
  });
});

test("a task's hold: marked as the task's on its bar, its age against the task's ttl and its caller in details", async () => {
  const make = new LockEventFactory();
  const task = { tool: 'export', taskId: '7f3a', taskTtlMs: 1000, caller: 'report-agent/1.2.0', traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7' };
  const sourceId = recording.history[0]!.sourceId;
  const taken = fromSource(sourceId, [make.requested('export:q3', 1, END_MS - 1500, task), make.acquired('export:q3', 1, END_MS - 1500, 0, task)]);
  const history = [...recording.history.filter((event) => event.atMs <= END_MS - 1500), ...taken, ...recording.history.filter((event) => event.atMs > END_MS - 1500)];
  // Still held at the end, so the snapshot lists it busy.
  const busy = { ...recording.snapshot.resources[0]!, key: `${sourceId}\u0000export:q3`, id: 'export:q3', holders: [{ chainId: 1, owner: task, mode: 'write' as const, sinceMs: END_MS - 1500 }], waiters: [] };
  const timeline = await openTimelineWith({ theme: 'dark', width: 1280, height: 640 }, { ...recording.snapshot, resources: [...recording.snapshot.resources, busy] }, history);
  const page = timeline.page;
  const lanes = await visibleLanes(timeline, KNOWN.lanes.length + 1);
  const row = lanes.indexOf('export:q3');
  const { x, y } = await pointAt(timeline, row, END_MS - 1000);
  const laneTop = y - LANE_HEIGHT_PX / 2;
  // The dotted edge above the bar: some of its pixels differ from the empty lane under the bar.
  const empty = await canvasPixel(timeline, x, laneTop + 24);
  const edge = await Promise.all([0, 1, 2, 3].map((dx) => canvasPixel(timeline, x + dx, laneTop + 2)));
  assert.ok(edge.some((pixel) => !sameColor(pixel, empty)), "a task's hold has its dotted top edge");
  await page.mouse.move(x, y - 4);
  const tooltip = page.locator('.tooltip');
  await tooltip.locator('strong', { hasText: 'task' }).waitFor();
  assert.equal(await tooltip.locator('strong').innerText(), 'export task 7f3a holds export:q3');
  assert.match(await tooltip.locator('span').first().innerText(), /^Held: 1\.5 s, still holding \(over its task ttl of 1 s\) · /);
  await page.mouse.down();
  await page.mouse.up();
  const fact = (label: string) => page.locator('.details .fact', { has: page.locator('dt', { hasText: new RegExp(`^${label}$`) }) }).locator('dd').innerText();
  assert.equal(await fact('Task'), '7f3a, ttl 1 s');
  assert.equal(await fact('Caller'), 'report-agent/1.2.0');
  assert.equal(await fact('Trace'), '4bf92f3577b34da6a3ce929d0e0e4736 (span 00f067aa0ba902b7)');
  await page.screenshot({ path: join(SCREENSHOTS, 'timeline-task-hold-dark.png') });
  await page.context().close();
});

describe('time cursor across the views', () => {
  test("scrubbing the timeline: the sidebar shows the state at the cursor, and the sidebar's Escape takes the timeline's cursor away", async () => {
    // The extension's ShownModel between the two pages, with the messages the timeline panel and the sidebar provider pass on.
    const shown = new ShownModel({ snapshot: () => recording.snapshot, history: () => recording.history, subscribe: () => () => undefined });
    const timeline = await openAtRecordingEnd('timeline', { theme: 'dark', width: 1280, height: 640 });
    const sidebar = await openAtRecordingEnd('sidebar', { theme: 'dark', width: 320, height: 900 });
    for (const message of timelineSnapshotMessages(shown)) await timeline.postFromHost(message);
    await sidebar.postFromHost({ type: 'didSnapshot', snapshot: shown.snapshot(), serverState: 'running' } satisfies SidebarHostMessage);
    assert.deepEqual(await visibleLanes(timeline), KNOWN.lanes);
    const changes: ModelChange[] = [];
    shown.subscribe((change) => changes.push(change));
    let timelineRead = 0;
    let sidebarRead = 0;
    /** Hands what each page sent to the model, as the panel and the provider do, and the model's changes back to both. */
    const relay = async (): Promise<void> => {
      const fromTimeline = (await timeline.sentToHost()).slice(timelineRead) as { type: string; atMs?: number }[];
      timelineRead += fromTimeline.length;
      for (const message of fromTimeline) if (message.type === 'showStateAt') shown.scrubTo(message.atMs);
      const fromSidebar = (await sidebar.sentToHost()).slice(sidebarRead) as { type: string }[];
      sidebarRead += fromSidebar.length;
      for (const message of fromSidebar) if (message.type === 'clearTimeCursor') shown.scrubTo(undefined);
      for (const change of changes.splice(0)) {
        await timeline.postFromHost(timelineChangeMessage(change, shown.cursorMs));
        await sidebar.postFromHost({ type: 'didChangeSnapshot', snapshot: shown.snapshot() } satisfies SidebarHostMessage);
      }
    };
    const banner = sidebar.page.locator('.time-cursor-banner');
    const feesRow = sidebar.page.locator('.resource-row[data-resource="account:fees"]');

    // Select refund_fee #36's long hold on account:fees: the cursor goes to its start, the sidebar shows who held then.
    const { x, y } = await pointOf(timeline, KNOWN.longHold.lane, KNOWN.longHold.msBeforeEnd);
    await timeline.page.mouse.click(x, y);
    await timeline.page.waitForFunction(() => (globalThis as unknown as { sentToHost: { type: string }[] }).sentToHost.some((message) => message.type === 'showStateAt'));
    await relay();
    const heldFrom = shown.cursorMs!;
    const release = recording.history.find((event) => event.type === 'released' && event.resource === KNOWN.longHold.lane && event.owner?.requestId === 36);
    assert.ok(release?.type === 'released');
    assert.ok(Math.abs(heldFrom - (release.atMs - release.heldMs)) < 0.1, 'the cursor is at the start of the hold');
    await banner.waitFor();
    assert.equal(await banner.locator('.time-cursor-text').innerText(), timeCursorBannerText(formatClock(heldFrom)));
    await sidebar.page.locator('.resource-table').scrollIntoViewIfNeeded();
    await feesRow.waitFor();
    assert.match((await feesRow.getAttribute('aria-label')) ?? '', /^account:fees: held by refund_fee #36/);
    await sidebar.page.screenshot({ path: join(SCREENSHOTS, 'sidebar-at-cursor-dark.png') });

    // Drag the cursor along the axis to 100 ms later: the hold is still on, the banner follows.
    const axisY = (await timeline.page.locator('.scroller').boundingBox())!.y + AXIS_HEIGHT_PX / 2;
    await timeline.page.mouse.move(x, axisY);
    await timeline.page.mouse.down();
    await timeline.page.mouse.move(x + 10, axisY, { steps: 3 });
    await timeline.page.mouse.up();
    await timeline.page.waitForFunction((previous) => (globalThis as unknown as { sentToHost: { type: string; atMs?: number }[] }).sentToHost.filter((message) => message.type === 'showStateAt').at(-1)?.atMs !== previous, heldFrom);
    await timeline.page.waitForTimeout(150);
    await relay();
    assert.ok(Math.abs(shown.cursorMs! - (END_MS - KNOWN.longHold.msBeforeEnd + 100)) <= 10, `the drag put the cursor at ${END_MS - shown.cursorMs!} ms before the end`);
    await banner.locator('.time-cursor-text', { hasText: formatClock(shown.cursorMs!) }).waitFor();
    assert.match((await feesRow.getAttribute('aria-label')) ?? '', /^account:fees: held by refund_fee #36/);

    // Escape in the sidebar: both views go back to now.
    await sidebar.page.keyboard.press('Escape');
    await sidebar.page.waitForFunction(() => (globalThis as unknown as { sentToHost: { type: string }[] }).sentToHost.some((message) => message.type === 'clearTimeCursor'));
    await relay();
    assert.equal(shown.cursorMs, undefined);
    await banner.waitFor({ state: 'hidden' });
    await timeline.page.locator('.time-cursor').waitFor({ state: 'hidden' });
    await timeline.page.context().close();
    await sidebar.page.context().close();
  });
});

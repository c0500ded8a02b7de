// Webview benchmark in headless Chromium: 10,000 lock events a second for 10 s flow through the real InspectorModel
// (coalesced as in the extension, DEFAULT_NOTIFY_INTERVAL_MS apart at least) into the built timeline and sidebar bundles.
// The host side runs ahead on a simulated clock and the page replays its messages on the host's schedule with
// window.postMessage, as VS Code delivers them: pushing each batch over the DevTools protocol instead made Chromium
// spend up to 280 ms per batch decoding the protocol message, tasks the real webview never has.
// Measured from a Chromium performance trace: the longest main-thread task (target <= 50 ms) and how far what is
// drawn lags the events (target <= 100 ms at p95); then scrolling 10,000 resources in both views. Budgets are the rows
// the figures are compared with; the idle page is the same-run baseline for main-thread tasks.
import * as os from 'node:os';
import FakeTimers from '@sinonjs/fake-timers';
import type { Browser, Page } from 'playwright-core';
import type { InspectorEvent } from '../extension/contract/wireFormat';
import { DEFAULT_NOTIFY_INTERVAL_MS, InspectorModel } from '../extension/inspector/inspectorModel';
import { DEFAULT_FLUSH_DELAY_MS } from '../extension/mcp/inspectorReporter';
import type { ModelChange } from '../extension/contract/inspectorSnapshot';
import type { SidebarHostMessage } from '../extension/contract/webviewMessages';
import { Throttle, type Clock } from '../extension/inspector/throttle';
import { SIDEBAR_SNAPSHOT_INTERVAL_MS } from '../extension/host/views/viewCadence';
import { timelineChangeMessage, timelineSnapshotMessages } from '../extension/host/views/timelineMessages';
import { openWebview, type ReplayFigures, type TimedHostMessage, type WebviewHarness } from '../test/support/webviewHarness';
import { launchChromium } from '../tools/chromium.mjs';
import { printTable, type BenchRow } from './measure';

const EVENTS_PER_SECOND = 10_000;
const FLOOD_SECONDS = 10;
/** The model is fed every this many milliseconds, like a reporter flushing batches. */
const FEED_INTERVAL_MS = 10;
/** Calls end this long before they are reported, so every event is in the past when it arrives: the reporter's batching. */
const REPORT_DELAY_MS = DEFAULT_FLUSH_DELAY_MS;
const FLOOD_RESOURCES = 200;
/** The flood is computed and handed to the page this long before it starts. */
const REPLAY_LEAD_MS = 5000;
/** Tracing starts this long before the first message is due. */
const TRACE_LEAD_MS = 200;
const SCROLL_RESOURCES = 10_000;
const TASK_BUDGET_MS = 50;
// Issue 17: events on screen within 100 ms (p95) under 10,000 events a second.
const LAG_BUDGET_MS = 100;
const TOOLS = ['transfer', 'deposit', 'withdraw', 'audit', 'charge_fee', 'refund_fee'];

/** Emits realistic calls (request, maybe a wait, hold, release) in time order, `perTick` events at a time. */
class LockTraffic {
  #seq = 0;
  #call = 0;

  constructor(private readonly resources: number) {}

  /** Events of calls that started REPORT_DELAY_MS ago within one feed interval; all their times are in the past. */
  tick(nowMs: number, eventCount: number): InspectorEvent[] {
    const events: InspectorEvent[] = [];
    const calls = Math.ceil(eventCount / 5);
    for (let index = 0; index < calls; index++) {
      const call = this.#call++;
      const startMs = nowMs - REPORT_DELAY_MS + (index / calls) * FEED_INTERVAL_MS;
      const owner = { tool: TOOLS[call % TOOLS.length]!, requestId: call, sessionId: 'bench' };
      const resource = `account:${(call * 7919) % this.resources}`;
      const waitedMs = call % 4 === 0 ? 2 + (call % 9) : 0;
      const heldMs = 1 + (call % 7);
      events.push(
        { type: 'callStarted', seq: ++this.#seq, atMs: startMs, owner },
        { type: 'requested', seq: ++this.#seq, atMs: startMs, chainId: call, owner, resource, mode: 'write', queueDepth: waitedMs > 0 ? 1 : 0 },
        { type: 'acquired', seq: ++this.#seq, atMs: startMs + waitedMs, chainId: call, owner, resource, mode: 'write', waitedMs },
        { type: 'released', seq: ++this.#seq, atMs: startMs + waitedMs + heldMs, chainId: call, owner, resource, mode: 'write', heldMs },
        { type: 'callEnded', seq: ++this.#seq, atMs: startMs + waitedMs + heldMs + 0.5, owner, durationMs: waitedMs + heldMs + 0.5, outcome: 'ok' },
      );
    }
    return events;
  }
}

/** What a Chromium trace says about the renderer main threads. */
interface TraceFigures {
  readonly longestTaskMs: number;
  /** CPU time of the task that ran longest on the CPU; far below `longestTaskMs` when tasks waited for the CPU. */
  readonly mostCpuInOneTaskMs: number;
  readonly tasksOverBudget: number;
  /** The most traced work (script, style, layout, paint, GC...) inside one task; a long task with little of it waited for the CPU. */
  readonly mostWorkInOneTaskMs: number;
  /** Share of the traced time the main thread ran tasks. */
  readonly busyShare: number;
}

interface TraceEvent {
  readonly name: string;
  readonly ph: string;
  readonly pid: number;
  readonly tid: number;
  readonly ts: number;
  readonly dur?: number;
  /** Thread (CPU) time, microseconds. */
  readonly tdur?: number;
  readonly args?: { readonly name?: string };
}

/** Microseconds of `task` covered by the events recorded inside it. */
function tracedWorkUs(task: TraceEvent, inside: readonly TraceEvent[]): number {
  let covered = 0;
  let reachedUs = task.ts;
  for (const event of inside) {
    const endUs = event.ts + (event.dur ?? 0);
    if (endUs <= reachedUs) continue;
    covered += endUs - Math.max(event.ts, reachedUs);
    reachedUs = endUs;
  }
  return covered;
}

async function traced(browser: Browser, page: Page, run: () => Promise<void>): Promise<TraceFigures> {
  await browser.startTracing(page, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline'] });
  const startedUs = performance.now() * 1000;
  await run();
  const tracedUs = performance.now() * 1000 - startedUs;
  const trace = JSON.parse((await browser.stopTracing()).toString('utf8')) as { traceEvents: TraceEvent[] };
  const mainThreads = new Set(trace.traceEvents.filter((event) => event.name === 'thread_name' && event.args?.name === 'CrRendererMain').map((event) => `${event.pid}:${event.tid}`));
  const onMain = trace.traceEvents.filter((event) => event.ph === 'X' && mainThreads.has(`${event.pid}:${event.tid}`)).sort((a, b) => a.ts - b.ts);
  const tasks = onMain.filter((event) => event.name === 'RunTask');
  const others = onMain.filter((event) => event.name !== 'RunTask');
  let mostWorkUs = 0;
  for (const task of tasks) {
    if ((task.dur ?? 0) <= mostWorkUs) continue;
    const endUs = task.ts + (task.dur ?? 0);
    const inside = others.filter((event) => event.pid === task.pid && event.tid === task.tid && event.ts >= task.ts && event.ts < endUs);
    mostWorkUs = Math.max(mostWorkUs, tracedWorkUs(task, inside));
  }
  const tasksMs = tasks.map((event) => (event.dur ?? 0) / 1000);
  return {
    longestTaskMs: Math.max(0, ...tasksMs),
    mostCpuInOneTaskMs: Math.max(0, ...tasks.map((event) => (event.tdur ?? 0) / 1000)),
    tasksOverBudget: tasksMs.filter((ms) => ms > TASK_BUDGET_MS).length,
    mostWorkInOneTaskMs: mostWorkUs / 1000,
    busyShare: tasksMs.reduce((sum, ms) => sum + ms, 0) / (tracedUs / 1000),
  };
}

/** Records, inside the page, when `#root`'s `attribute` changed and to what (the newest event or snapshot time drawn). */
async function watchRendered(page: Page, attribute: string): Promise<void> {
  await page.evaluate((name) => {
    const scope = globalThis as unknown as { renderLog: [number, number][]; document: { getElementById(id: string): { getAttribute(name: string): string | null } } };
    scope.renderLog = [];
    const root = scope.document.getElementById('root');
    const Observer = (globalThis as unknown as { MutationObserver: new (callback: () => void) => { observe(target: unknown, options: unknown): void } }).MutationObserver;
    new Observer(() => scope.renderLog.push([Date.now(), Number(root.getAttribute(name))])).observe(root, { attributes: true, attributeFilter: [name] });
  }, attribute);
}

async function renderLog(page: Page): Promise<[number, number][]> {
  return page.evaluate(() => (globalThis as unknown as { renderLog: [number, number][] }).renderLog);
}

function percentile(values: readonly number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))] ?? NaN;
}

/**
 * The extension host's side on a simulated clock: the real InspectorModel (and whatever forwards its changes)
 * runs FLOOD_SECONDS of traffic ahead of time, each message to the webview stamped with the wall-clock time the
 * host would post it. The page then replays them on that schedule itself (see `scheduleFromHost`), so during the
 * measurement only the webview runs, and each message still arrives when the live host would have sent it.
 */
class SimulatedHost {
  readonly #clock = FakeTimers.createClock(Date.now());
  /** The simulated time, for the model and for throttles between it and the webview. */
  readonly timers: Clock = {
    now: () => this.#clock.now,
    setTimeout: (callback, delayMs) => this.#clock.setTimeout(callback, delayMs),
    clearTimeout: (handle) => this.#clock.clearTimeout(handle as FakeTimers.TimerId),
  };
  readonly model = new InspectorModel({ clock: this.timers });
  #posted: TimedHostMessage[] = [];

  constructor() {
    this.model.addSource({ id: 's1', label: 'bench server', kind: 'launched', pid: process.pid, connectedAtMs: this.#clock.now });
  }

  /** Queues `message` for the webview at the current simulated time. */
  post(message: unknown): void {
    this.#posted.push({ atMs: this.#clock.now, message });
  }

  /**
   * Feeds the model from `startAtMs` for FLOOD_SECONDS at EVENTS_PER_SECOND, one batch every FEED_INTERVAL_MS, and
   * hands each coalesced change to `forward` with the time of its oldest event. Returns what was posted.
   */
  flood(startAtMs: number, forward: (change: ModelChange, oldestMs: number) => void): TimedHostMessage[] {
    if (startAtMs < this.#clock.now) throw new Error(`The flood cannot start at ${startAtMs}: the simulated host is already at ${this.#clock.now}.`);
    this.#clock.tick(startAtMs - this.#clock.now);
    this.#posted = [];
    const traffic = new LockTraffic(FLOOD_RESOURCES);
    const unsubscribe = this.model.subscribe((change) => forward(change, Math.min(...change.events.map((event) => event.atMs))));
    let fed = 0;
    for (let elapsedMs = FEED_INTERVAL_MS; elapsedMs <= FLOOD_SECONDS * 1000; elapsedMs += FEED_INTERVAL_MS) {
      this.#clock.tick(FEED_INTERVAL_MS);
      const events = traffic.tick(this.#clock.now, Math.floor((elapsedMs / 1000) * EVENTS_PER_SECOND) - fed);
      this.model.ingest('s1', events);
      fed += events.length;
    }
    this.model.flushChanges();
    unsubscribe();
    // Lets a throttle between the model and the webview send what it still holds.
    this.#clock.runAll();
    return this.#posted;
  }
}

/**
 * Runs the flood ahead of time, hands the page its messages, and traces the page while it replays them on the
 * host's schedule; REPLAY_LEAD_MS covers computing and handing over.
 */
async function replayFlood(browser: Browser, view: WebviewHarness, host: SimulatedHost, forward: (change: ModelChange, oldestMs: number) => void): Promise<{ trace: TraceFigures; replay: ReplayFigures }> {
  const startAtMs = Date.now() + REPLAY_LEAD_MS;
  const messages = host.flood(startAtMs, forward);
  await view.scheduleFromHost(messages);
  await sleep(startAtMs - TRACE_LEAD_MS - Date.now());
  let replay: ReplayFigures = { posted: 0, maxLateMs: 0 };
  const trace = await traced(browser, view.page, async () => {
    replay = await view.scheduledPosted();
    await sleep(300);
  });
  return { trace, replay };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

/** Lag of each delivered change: from its oldest event to the moment the view showed it. */
function lags(log: readonly [number, number][], oldestByDrawnKey: ReadonlyMap<number, number>): number[] {
  const firstShown = new Map<number, number>();
  for (const [shownAtMs, key] of log) if (!firstShown.has(key)) firstShown.set(key, shownAtMs);
  const lagMs = [...oldestByDrawnKey].flatMap(([key, oldestMs]) => {
    const shownAtMs = firstShown.get(key);
    return shownAtMs === undefined || !Number.isFinite(oldestMs) ? [] : [shownAtMs - oldestMs];
  });
  // A view that reports none of what it was sent cannot be measured: say so rather than print NaN.
  if (lagMs.length === 0) throw new Error(`The view reported drawing none of the ${oldestByDrawnKey.size} changes it was sent (${log.length} renders logged).`);
  return lagMs;
}

async function timelineFlood(browser: Browser): Promise<BenchRow[]> {
  const host = new SimulatedHost();
  const timeline = await openWebview(browser, 'timeline', { theme: 'dark', width: 1280, height: 720 });
  for (const message of timelineSnapshotMessages(host.model)) await timeline.postFromHost(message);
  await watchRendered(timeline.page, 'data-rendered-through-ms');
  const idle = await traced(browser, timeline.page, () => sleep(2000));
  // The timeline reports the newest event it drew; each change's lag runs from its oldest event.
  const oldestByNewest = new Map<number, number>();
  const { trace: busy, replay } = await replayFlood(browser, timeline, host, (change, oldestMs) => {
    oldestByNewest.set(Math.max(...change.events.map((event) => event.atMs)), oldestMs);
    host.post(timelineChangeMessage(change));
  });
  const lagMs = lags(await renderLog(timeline.page), oldestByNewest);
  const status = await timeline.page.locator('.status-text').innerText();
  await timeline.page.context().close();
  return [
    { label: 'budget: main-thread task', value: TASK_BUDGET_MS, unit: 'ms' },
    { label: 'idle timeline, longest task', value: idle.longestTaskMs, unit: 'ms' },
    { label: 'flooded timeline, longest task', value: busy.longestTaskMs, unit: 'ms', versus: 'budget: main-thread task', target: '<= 1', note: `${busy.tasksOverBudget} tasks over 50 ms; most CPU in one task ${busy.mostCpuInOneTaskMs.toFixed(1)} ms; main thread busy ${(busy.busyShare * 100).toFixed(0)}%; ${status}` },
    { label: 'flooded timeline, most work in one task', value: busy.mostWorkInOneTaskMs, unit: 'ms', versus: 'budget: main-thread task', target: '<= 1', note: 'script, style, layout, paint and GC traced inside one task' },
    { label: 'budget: lag', value: LAG_BUDGET_MS, unit: 'ms' },
    { label: 'event to screen, p50', value: percentile(lagMs, 0.5), unit: 'ms', versus: 'budget: lag', target: '<= 1' },
    { label: 'event to screen, p95', value: percentile(lagMs, 0.95), unit: 'ms', versus: 'budget: lag', target: '<= 1' },
    { label: 'event to screen, max', value: Math.max(...lagMs), unit: 'ms', versus: 'budget: lag', target: '<= 1', note: `${lagMs.length} changes; includes ${REPORT_DELAY_MS} ms reporter delay and the model's ${DEFAULT_NOTIFY_INTERVAL_MS} ms coalescing; page posted them up to ${replay.maxLateMs} ms late` },
  ];
}

async function sidebarFlood(browser: Browser): Promise<BenchRow[]> {
  const host = new SimulatedHost();
  const sidebar = await openWebview(browser, 'sidebar', { theme: 'dark', width: 320, height: 900 });
  await sidebar.postFromHost({ type: 'didSnapshot', snapshot: host.model.snapshot(), serverState: 'running' } satisfies SidebarHostMessage);
  await watchRendered(sidebar.page, 'data-rendered-snapshot-at-ms');
  // As the sidebar's host adapter does: at most one snapshot per SIDEBAR_SNAPSHOT_INTERVAL_MS, always the latest. The
  // sidebar reports the instant of the snapshot it drew; each snapshot's lag runs from the oldest event it first shows.
  const oldestBySnapshot = new Map<number, number>();
  let oldestUnsentMs = Infinity;
  const throttle = new Throttle(SIDEBAR_SNAPSHOT_INTERVAL_MS, () => {
    const snapshot = host.model.snapshot();
    oldestBySnapshot.set(snapshot.atMs, oldestUnsentMs);
    oldestUnsentMs = Infinity;
    host.post({ type: 'didChangeSnapshot', snapshot } satisfies SidebarHostMessage);
  }, host.timers);
  const { trace: busy, replay } = await replayFlood(browser, sidebar, host, (_change, oldestMs) => {
    oldestUnsentMs = Math.min(oldestUnsentMs, oldestMs);
    throttle.request();
  });
  const lagMs = lags(await renderLog(sidebar.page), oldestBySnapshot);
  await sidebar.page.context().close();
  return [
    { label: 'budget: main-thread task', value: TASK_BUDGET_MS, unit: 'ms' },
    { label: 'flooded sidebar, longest task', value: busy.longestTaskMs, unit: 'ms', versus: 'budget: main-thread task', target: '<= 1', note: `${busy.tasksOverBudget} tasks over 50 ms; most CPU in one task ${busy.mostCpuInOneTaskMs.toFixed(1)} ms; main thread busy ${(busy.busyShare * 100).toFixed(0)}%` },
    { label: 'flooded sidebar, most work in one task', value: busy.mostWorkInOneTaskMs, unit: 'ms', versus: 'budget: main-thread task', target: '<= 1' },
    { label: 'budget: lag', value: LAG_BUDGET_MS, unit: 'ms' },
    { label: 'event to screen, p95', value: percentile(lagMs, 0.95), unit: 'ms', versus: 'budget: lag', target: '<= 1' },
    { label: 'event to screen, max', value: Math.max(...lagMs), unit: 'ms', versus: 'budget: lag', target: '<= 1', note: `${lagMs.length} snapshots of ${FLOOD_RESOURCES} resources; page posted them up to ${replay.maxLateMs} ms late` },
  ];
}

/** A model that has seen one call on each of SCROLL_RESOURCES resources. */
function modelWithManyResources(): InspectorModel {
  const { model } = new SimulatedHost();
  const traffic = new LockTraffic(SCROLL_RESOURCES);
  for (let batch = 0; batch < SCROLL_RESOURCES / 1000; batch++) model.ingest('s1', traffic.tick(Date.now(), 5000));
  return model;
}

/** Wheels through `selector` for three seconds, one step per frame; frame intervals come from the page's own rAF. */
async function scrollFigures(browser: Browser, page: Page, selector: string): Promise<{ longestTaskMs: number; mostWorkInOneTaskMs: number; p95FrameMs: number; maxFrameMs: number }> {
  const box = await page.locator(selector).boundingBox();
  if (!box) throw new Error(`Nothing to scroll: ${selector} is not on the page.`);
  await page.mouse.move(box.x + box.width / 2, box.y + Math.min(box.height / 2, 400));
  // A property, not a named const: tsx would wrap a named function in a helper the page does not have.
  await page.evaluate(() => {
    const scope = globalThis as unknown as { frameTimes: number[]; recordFrame(time: number): void; requestAnimationFrame(callback: (time: number) => void): void };
    scope.frameTimes = [];
    scope.recordFrame = (time) => {
      scope.frameTimes.push(time);
      scope.requestAnimationFrame(scope.recordFrame);
    };
    scope.requestAnimationFrame(scope.recordFrame);
  });
  const trace = await traced(browser, page, async () => {
    for (let step = 0; step < 180; step++) await page.mouse.wheel(0, step < 90 ? 600 : -600);
  });
  const frames = await page.evaluate(() => (globalThis as unknown as { frameTimes: number[] }).frameTimes);
  const intervals = frames.slice(1).map((time, index) => time - frames[index]!);
  return { longestTaskMs: trace.longestTaskMs, mostWorkInOneTaskMs: trace.mostWorkInOneTaskMs, p95FrameMs: percentile(intervals, 0.95), maxFrameMs: Math.max(...intervals) };
}

async function scrolling(browser: Browser): Promise<BenchRow[]> {
  const model = modelWithManyResources();
  const sidebar = await openWebview(browser, 'sidebar', { theme: 'dark', width: 320, height: 900 });
  await sidebar.postFromHost({ type: 'didSnapshot', snapshot: model.snapshot(), serverState: 'running' } satisfies SidebarHostMessage);
  await sidebar.page.locator('.resource-table').scrollIntoViewIfNeeded();
  const sidebarScroll = await scrollFigures(browser, sidebar.page, '.resource-table');
  const sidebarRows = await sidebar.page.locator('.resource-rows .resource-row').count();
  await sidebar.page.context().close();

  const timeline = await openWebview(browser, 'timeline', { theme: 'dark', width: 1280, height: 720 });
  for (const message of timelineSnapshotMessages(model)) await timeline.postFromHost(message);
  await timeline.page.waitForFunction((count) => (globalThis as unknown as { document: { querySelector(selector: string): { textContent: string } | null } }).document.querySelector('.status-text')?.textContent.includes(`${count} resources`), SCROLL_RESOURCES.toLocaleString('en-US'));
  const timelineScroll = await scrollFigures(browser, timeline.page, '.scroller');
  await timeline.page.context().close();
  return [
    { label: 'budget: main-thread task', value: TASK_BUDGET_MS, unit: 'ms' },
    { label: 'sidebar scroll, longest task', value: sidebarScroll.longestTaskMs, unit: 'ms', versus: 'budget: main-thread task', target: '<= 1', note: `most work in one task ${sidebarScroll.mostWorkInOneTaskMs.toFixed(1)} ms; frames p95 ${sidebarScroll.p95FrameMs.toFixed(1)} ms, max ${sidebarScroll.maxFrameMs.toFixed(1)} ms; ${sidebarRows} row elements for ${SCROLL_RESOURCES.toLocaleString('en-US')} resources` },
    { label: 'timeline scroll, longest task', value: timelineScroll.longestTaskMs, unit: 'ms', versus: 'budget: main-thread task', target: '<= 1', note: `most work in one task ${timelineScroll.mostWorkInOneTaskMs.toFixed(1)} ms; frames p95 ${timelineScroll.p95FrameMs.toFixed(1)} ms, max ${timelineScroll.maxFrameMs.toFixed(1)} ms` },
  ];
}

async function main(): Promise<void> {
  // Other work on the machine lengthens main-thread tasks; say how busy it was.
  console.log(`machine: ${os.cpus().length} cores, load average ${os.loadavg().map((load) => load.toFixed(1)).join(' / ')} (1/5/15 min)`);
  const browser = await launchChromium();
  try {
    printTable(`Timeline: ${EVENTS_PER_SECOND.toLocaleString('en-US')} events/s for ${FLOOD_SECONDS} s over ${FLOOD_RESOURCES} resources`, await timelineFlood(browser));
    printTable(`Sidebar: the same flood, snapshots as the model coalesces them`, await sidebarFlood(browser));
    printTable(`Scrolling ${SCROLL_RESOURCES.toLocaleString('en-US')} resources (wheel step every frame, 3 s)`, await scrolling(browser));
  } finally {
    await browser.close();
  }
}

void main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exit(1);
});

// The built sidebar bundle in headless Chromium (see webviews.test.ts) showing what issue 15 and issue 18 add: one
// row per resource merged over every replica, a gone replica's hold while its lease runs out, and the banner of a
// time cursor. Snapshots come from the real InspectorModel fed replica events on a standing clock. PNGs in light,
// dark and high contrast, and at a 250 px sidebar, land in screenshots/.
import { strict as assert } from 'node:assert';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import type { InspectorSnapshot } from '../../extension/contract/inspectorSnapshot';
import type { SidebarHostMessage } from '../../extension/contract/webviewMessages';
import { InspectorModel } from '../../extension/inspector/inspectorModel';
import { launchChromium } from '../../tools/chromium.mjs';
import { LockEventFactory } from '../support/lockEvents';
import { openWebview, type WebviewHarness } from '../support/webviewHarness';
import type { ThemeKind } from './vscodeThemes';

const SCREENSHOTS = join(__dirname, '..', '..', 'screenshots');
const THEMES: readonly ThemeKind[] = ['light', 'dark', 'high-contrast'];
const NOW_MS = Date.UTC(2026, 11, 1, 12, 3, 41, 250);
const LEASE_MS = 10_000;

/**
 * Three replicas behind a load balancer: r1 held account:alice for 1.2 s and died 2 s ago (its lease runs out
 * within 8 s); r2's transfer and r3's deposit queue for alice, in that order; r2 holds account:bob with r3 waiting;
 * r3 holds account:fees, taken by a call that never reported (read from Redis, replica r4).
 */
function replicaSnapshot(): InspectorSnapshot {
  let nowMs = NOW_MS - 3200;
  const model = new InspectorModel({ clock: { now: () => nowMs, setTimeout: () => undefined, clearTimeout: () => undefined } });
  const make = new LockEventFactory();
  for (const replica of ['r1', 'r2', 'r3']) model.addSource({ id: replica, label: `replica '${replica}'`, kind: 'external', pid: 4100 + Number(replica.slice(1)), connectedAtMs: nowMs, replica, leaseMs: LEASE_MS });
  model.addSource({ id: 'redis', label: 'Redis 127.0.0.1:6379', kind: 'redis', pid: 0, connectedAtMs: nowMs });
  model.ingest('r1', [make.acquired('account:alice', 3, NOW_MS - 3200, 0, { tool: 'transfer', requestId: 41 })]);
  // Two MCP clients without sessions (the 2026-07-28 spec): an IDE and an agent, each call with its trace.
  const ide = (requestId: number) => ({ tool: 'transfer', requestId, caller: 'vscode/1.101.0', traceId: `4bf92f3577b34da6a3ce929d0e0e47${requestId}` });
  const agent = (tool: string, requestId: number) => ({ tool, requestId, caller: 'claude-code/2.1.0' });
  model.ingest('r2', [make.callStarted(ide(42), NOW_MS - 3000), make.requested('account:alice', 5, NOW_MS - 3000, ide(42)), make.callStarted(ide(44), NOW_MS - 900), make.acquired('account:bob', 6, NOW_MS - 900, 0, ide(44))]);
  model.ingest('r3', [make.callStarted(agent('deposit', 43), NOW_MS - 2600), make.requested('account:alice', 2, NOW_MS - 2600, agent('deposit', 43)), make.callStarted(agent('audit', 45), NOW_MS - 400), make.requested('account:bob', 7, NOW_MS - 400, agent('audit', 45))]);
  model.ingest('r3', [make.acquired('account:fees', 8, NOW_MS - 150, 0, { tool: 'charge_fee', requestId: 46 })]);
  // r3's refund_fee #40 was paused past its lease: the warning names the replica.
  model.ingest('r3', [{ type: 'leaseLost', seq: 90, atMs: NOW_MS - 1000, chainId: 4, owner: { tool: 'refund_fee', requestId: 40 }, resource: 'account:dave', mode: 'write', heldMs: 10_400, leaseMs: LEASE_MS, fencingToken: 17 }]);
  model.applySnapshot('redis', { atMs: NOW_MS, resources: [{ id: 'account:erin', holders: [{ chainId: 1, owner: { tool: 'refund_fee', requestId: 9, replica: 'r4' }, mode: 'write', sinceMs: NOW_MS - 700 }], waiters: [] }] });
  nowMs = NOW_MS - 2000;
  model.disconnectSource('r1');
  nowMs = NOW_MS;
  return model.snapshot();
}

let browser: Browser;

before(async () => {
  await mkdir(SCREENSHOTS, { recursive: true });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
});

async function openSidebar(theme: ThemeKind, width: number, snapshot: InspectorSnapshot, pageNowMs = NOW_MS): Promise<WebviewHarness> {
  const sidebar = await openWebview(browser, 'sidebar', { theme, width, height: 760 });
  await sidebar.page.clock.setFixedTime(pageNowMs);
  await sidebar.postFromHost({ type: 'didSnapshot', snapshot, serverState: 'stopped' } satisfies SidebarHostMessage);
  await sidebar.page.locator('.resource-table').scrollIntoViewIfNeeded();
  await sidebar.page.locator('.resource-row[data-resource="account:alice"]').waitFor();
  return sidebar;
}

describe('sidebar across replicas', () => {
  for (const [theme, width] of [...THEMES.map((theme) => [theme, 320] as const), ['dark', 250] as const]) {
    test(`one row per resource over every replica, each party on its replica, a gone replica's lease running out (${theme}, ${width} px)`, async () => {
      const sidebar = await openSidebar(theme, width, replicaSnapshot());
      const page = sidebar.page;
      assert.equal(await page.locator('.resource-row[data-resource="account:alice"]').count(), 1, 'one row for alice over three replicas');
      const alice = await page.locator('.resource-row[data-resource="account:alice"]').getAttribute('aria-label');
      assert.equal(
        alice,
        "account:alice: held by transfer #41 on replica 'r1' · 3.2 s · gone, lease ends in ≤ 8 s, 2 waiting in order: transfer #42 on replica 'r2', deposit #43 on replica 'r3'",
      );
      assert.match(await page.locator('.warning.leaseLost').innerText(), /^Lease lost\n[\s\S]*Lease lost: refund_fee #40 on replica 'r3' held 'account:dave' for 10 s without renewing its 10 s lease/);
      const erin = await page.locator('.resource-row[data-resource="account:erin"]').getAttribute('aria-label');
      assert.match(erin ?? '', /^account:erin: held by refund_fee #9 on replica 'r4'/, 'a replica that does not report, read from Redis');
      assert.match((await page.locator('.resource-row[data-resource="account:alice"] .resource-name').getAttribute('title')) ?? '', /^account:alice · replica 'r1', replica 'r2', replica 'r3'/);
      await page.screenshot({ path: join(SCREENSHOTS, `sidebar-replicas-${theme}-${width}.png`) });
      await page.locator('.resource-row[data-resource="account:alice"]').click();
      assert.deepEqual((await sidebar.sentToHost()).at(-1), { type: 'showTimeline', filter: { resource: 'account:alice' } }, "a merged row opens every replica's lanes of it");
      await page.context().close();
    });
  }
});

describe('sidebar callers', () => {
  for (const [theme, width] of [['dark', 320], ['light', 250]] as const) {
    test(`groups calls by who made them, with what they hold and wait for now (${theme}, ${width} px)`, async () => {
      const sidebar = await openSidebar(theme, width, replicaSnapshot());
      const page = sidebar.page;
      const callers = page.getByRole('list', { name: 'Callers' });
      await callers.scrollIntoViewIfNeeded();
      assert.deepEqual(await callers.locator('.caller').evaluateAll((items) => items.map((item) => (item as unknown as { innerText: string }).innerText.replace(/\n/g, ' | '))), [
        'claude-code/2.1.0 | 2 calls · 2 running · waiting 2',
        'vscode/1.101.0 | 2 calls · 2 running · holding 1 · waiting 1 · wait p95 0 ms',
      ]);
      assert.match((await callers.locator('.caller').last().getAttribute('title')) ?? '', /^vscode\/1\.101\.0\nLatest traces: 4bf92f3577b34da6a3ce929d0e0e4744, 4bf92f3577b34da6a3ce929d0e0e4742$/);
      await page.screenshot({ path: join(SCREENSHOTS, `sidebar-callers-${theme}-${width}.png`) });
      await page.context().close();
    });
  }
});

describe('sidebar at a time cursor', () => {
  for (const [theme, width] of [...THEMES.map((theme) => [theme, 320] as const), ['light', 250] as const]) {
    test(`says which instant it shows, stands still there, and Escape or Show Live return to now (${theme}, ${width} px)`, async () => {
      const live = replicaSnapshot();
      // The state at the cursor, as ShownModel hands it (the snapshot of that instant, saying so), seen 5 s later.
      const sidebar = await openSidebar(theme, width, { ...live, stateAtMs: NOW_MS }, NOW_MS + 5000);
      const page = sidebar.page;
      const banner = page.getByRole('status', { name: 'Time cursor' });
      await banner.waitFor();
      const clock = new Date(NOW_MS);
      const expectedClock = `${String(clock.getHours()).padStart(2, '0')}:${String(clock.getMinutes()).padStart(2, '0')}:${String(clock.getSeconds()).padStart(2, '0')}.250`;
      assert.equal(await page.locator('.time-cursor-text').innerText(), `State at ${expectedClock} — Escape or Show Live returns to now`);
      const bannerBox = (await banner.boundingBox())!;
      assert.ok(bannerBox.y < 2, `the banner heads the view (at y ${bannerBox.y})`);
      // Held-for figures count to the cursor's instant, not to the page's now (5 s later).
      const bob = await page.locator('.resource-row[data-resource="account:bob"]').getAttribute('aria-label');
      assert.match(bob ?? '', /^account:bob: held by transfer #44 on replica 'r2' · 900 ms,/);
      await page.mouse.wheel(0, 400);
      assert.ok(((await banner.boundingBox())?.y ?? 99) < 2, 'it stays in sight when the list scrolls');
      await page.screenshot({ path: join(SCREENSHOTS, `sidebar-time-cursor-${theme}-${width}.png`) });
      await page.locator('.resource-row[data-resource="account:alice"]').focus();
      await page.keyboard.press('Escape');
      assert.deepEqual((await sidebar.sentToHost()).at(-1), { type: 'clearTimeCursor' });
      await banner.getByRole('button', { name: 'Show Live' }).click();
      assert.deepEqual((await sidebar.sentToHost()).at(-1), { type: 'showLive' });
      await sidebar.postFromHost({ type: 'didChangeSnapshot', snapshot: live } satisfies SidebarHostMessage);
      await banner.waitFor({ state: 'hidden' });
      await page.context().close();
    });
  }
});

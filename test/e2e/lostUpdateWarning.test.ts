// The sidebar's lost-update warning in headless Chromium: both calls named, the interleaving in three steps, and
// links that take the person to each site's code.
import { strict as assert } from 'node:assert';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import type { InspectorSnapshot } from '../../extension/contract/inspectorSnapshot';
import type { SidebarHostMessage } from '../../extension/contract/webviewMessages';
import { InspectorModel } from '../../extension/inspector/inspectorModel';
import { launchChromium } from '../../tools/chromium.mjs';
import { LockEventFactory } from '../support/lockEvents';
import { openWebview } from '../support/webviewHarness';

let browser: Browser;
before(async () => {
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
});

/** A model that saw addItem #7 overwrite addItem #5's save of the store twice, as the real model words it. */
function snapshotWithLostUpdates(): InspectorSnapshot {
  const model = new InspectorModel();
  const make = new LockEventFactory();
  model.addSource({ id: 's1', label: 'file store', kind: 'launched', pid: 1, connectedAtMs: 0 });
  const addItem7 = { tool: 'addItem', requestId: 7 };
  const addItem5 = { tool: 'addItem', requestId: 5 };
  model.ingest('s1', [make.callStarted(addItem7, 900), make.lostUpdate('/srv/store.json', 3, 1000, addItem7, addItem5), make.lostUpdate('/srv/store.json', 3, 1010, addItem7, addItem5)]);
  return model.snapshot();
}

describe('sidebar lost-update warning', () => {
  test('names both calls, draws the read, the interleaved write and the stale write, and links each to its code', async () => {
    const sidebar = await openWebview(browser, 'sidebar', { theme: 'dark', width: 320, height: 800 });
    const snapshot = snapshotWithLostUpdates();
    await sidebar.postFromHost({ type: 'didSnapshot', snapshot, serverState: 'running' } satisfies SidebarHostMessage);
    const card = sidebar.page.locator('.warning.lostUpdate');
    await card.waitFor();
    assert.match(await card.locator('summary').innerText(), /^Lost update\n×2/);
    // The gist is the closed card's line; open (the newest is), the steps below say it at length.
    assert.equal(await card.locator('.gist').textContent(), "Lost update on '/srv/store.json': addItem #7 overwrote addItem #5's write");
    const steps = card.locator('.lost-update-step');
    assert.equal(await steps.count(), 3);
    assert.match(await steps.nth(0).innerText(), /addItem #7 read \/srv\/store\.json/);
    assert.match(await steps.nth(1).innerText(), /addItem #5 wrote it 10 ms later/);
    assert.match(await steps.nth(2).innerText(), /addItem #7 wrote it from its stale read, 20 ms after reading/);
    assert.match(await card.locator('.hint').innerText(), /withLock\('file:store\.json', \.\.\.\)/);
    const sourceLinks = card.locator('.lost-update-step button.source');
    assert.equal(await sourceLinks.count(), 3);
    await sourceLinks.nth(0).click();
    assert.deepEqual((await sidebar.sentToHost()).at(-1), { type: 'revealSource', location: 'server.ts:5:3' });
    await card.locator('.lost-update-step button.call').nth(1).click();
    assert.deepEqual((await sidebar.sentToHost()).at(-1), { type: 'revealTool', tool: 'addItem' });
    await sidebar.page.context().close();
  });
});

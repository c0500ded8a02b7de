import FakeTimers from '@sinonjs/fake-timers';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { JOURNAL_FILE, StateStore } from '../../../extension/demoServer/stateStore';

describe('StateStore', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'state-store-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  const journalLines = (): string[] => readFileSync(join(dataDir, JOURNAL_FILE), 'utf8').split('\n').filter(Boolean);

  it('reads what was written and lists keys by prefix, in memory', async () => {
    const store = await StateStore.open();
    await store.write(new Map([['account/b', 2], ['account/a', 1], ['counter/x', 9]]));
    assert.equal(await store.read('account/a'), 1);
    assert.equal(await store.read('account/zzz'), undefined);
    assert.deepEqual(store.keys('account/'), ['account/a', 'account/b']);
  });

  it('keeps every acknowledged write across a restart, and compacts the journal on open', async () => {
    const first = await StateStore.open({ dataDir });
    await Promise.all(Array.from({ length: 100 }, (_, index) => first.write(new Map([[`account/${index}`, index]]))));
    await first.write(new Map([['account/0', 1000], ['account/1', 1001]]));
    await first.close();
    assert.ok(journalLines().length > 1);

    const second = await StateStore.open({ dataDir });
    assert.equal(await second.read('account/0'), 1000);
    assert.equal(await second.read('account/1'), 1001);
    assert.equal(await second.read('account/99'), 99);
    assert.equal(second.keys('account/').length, 100);
    assert.equal(journalLines().length, 1, 'one compact line after opening');
    await second.close();
  });

  it('drops a torn last line (a write cut by a kill, never acknowledged) and starts cleanly', async () => {
    const first = await StateStore.open({ dataDir });
    await first.write(new Map([['account/a', 5]]));
    await first.close();
    appendFileSync(join(dataDir, JOURNAL_FILE), '{"set":{"account/a":99');
    const second = await StateStore.open({ dataDir });
    assert.equal(await second.read('account/a'), 5);
    assert.deepEqual(journalLines(), ['{"set":{"account/a":5}}']);
    await second.write(new Map([['account/a', 6]]));
    await second.close();
    assert.equal(await (await StateStore.open({ dataDir })).read('account/a'), 6);
  });

  it('refuses a journal damaged in the middle, saying which line and what to do', async () => {
    writeFileSync(join(dataDir, JOURNAL_FILE), '{"set":{"a":1}}\nnot json\n{"set":{"a":2}}\n');
    await assert.rejects(StateStore.open({ dataDir }), /line 2 is not valid JSON; the journal is damaged\. Restore it/);
  });

  it('refuses writes after close and values that are not safe integers', async () => {
    const store = await StateStore.open({ dataDir });
    await assert.rejects(store.write(new Map([['a', 0.5]])), /safe integer/);
    await store.close();
    await assert.rejects(store.write(new Map([['a', 1]])), /closed/);
  });

  it('adds the simulated latency to every read and write', async () => {
    const clock = FakeTimers.install({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const store = await StateStore.open({ latencyMs: 30 });
      let written = false;
      const write = store.write(new Map([['a', 1]])).then(() => (written = true));
      await clock.tickAsync(29);
      assert.equal(written, false);
      await clock.tickAsync(1);
      await write;
      let value: number | undefined;
      const read = store.read('a').then((result) => (value = result));
      await clock.tickAsync(29);
      assert.equal(value, undefined);
      await clock.tickAsync(1);
      await read;
      assert.equal(value, 1);
    } finally {
      clock.uninstall();
    }
  });

  it('rejects a negative or non-finite latency', async () => {
    await assert.rejects(StateStore.open({ latencyMs: -1 }), /latencyMs must be a finite number >= 0/);
  });
});

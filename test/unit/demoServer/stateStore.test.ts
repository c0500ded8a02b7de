import FakeTimers from '@sinonjs/fake-timers';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { JOURNAL_FILE, StateStore } from '../../../extension/demoServer/stateStore';
import { mountTinyFileSystem, tinyFileSystemUnavailable } from '../../support/tinyFileSystem';

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
    const third = await StateStore.open({ dataDir });
    assert.equal(await third.read('account/a'), 6);
    await third.close();
  });

  it('refuses a journal damaged in the middle, saying which line and what to do', async () => {
    writeFileSync(join(dataDir, JOURNAL_FILE), '{"set":{"a":1}}\nnot json\n{"set":{"a":2}}\n');
    await assert.rejects(StateStore.open({ dataDir }), /line 2 is not valid JSON; the journal is damaged\. Restore it/);
  });

  it('keeps a last line that lacks only its newline (a compacted journal an editor saved without one)', async () => {
    writeFileSync(join(dataDir, JOURNAL_FILE), '{"set":{"account/alice":10000,"account/bob":5000}}');
    const store = await StateStore.open({ dataDir });
    assert.equal(await store.read('account/alice'), 10000);
    assert.equal(await store.read('account/bob'), 5000);
    await store.close();
    assert.deepEqual(journalLines(), ['{"set":{"account/alice":10000,"account/bob":5000}}']);
  });

  for (const [what, content, message] of [
    ['a zero-filled journal', Buffer.alloc(4096), /journal\.jsonl line 1 holds NUL bytes/],
    ['zeros after the last good line', Buffer.concat([Buffer.from('{"set":{"account/a":5}}\n'), Buffer.alloc(512)]), /journal\.jsonl line 2 holds NUL bytes/],
    ['a last line that is no start of a record', Buffer.from('{"set":{"account/a":5}}\nhello'), /journal\.jsonl line 2 is neither a complete record nor the start of one/],
    ['bytes that are not UTF-8', Buffer.from([0x7b, 0xff, 0xfe, 0x7d, 0x0a]), /journal\.jsonl line 1 is not valid UTF-8/],
  ] as const) {
    it(`refuses to start on ${what}, naming file and line, and leaves the file as it was`, async () => {
      writeFileSync(join(dataDir, JOURNAL_FILE), content);
      await assert.rejects(StateStore.open({ dataDir }), message);
      assert.deepEqual(readFileSync(join(dataDir, JOURNAL_FILE)), content);
    });
  }

  for (const [what, line, message] of [
    ['a balance stored as a string', '{"set":{"account/alice":"10000","account/bob":50}}', /line 2: set\["account\/alice"\] must be a whole number >= 0 .*got "10000"/],
    ['negative cents', '{"set":{"account/alice":-500}}', /line 2: set\["account\/alice"\] must be a whole number >= 0 .*got -500/],
    ['fractional cents', '{"set":{"account/alice":12.5}}', /line 2: set\["account\/alice"\] must be a whole number >= 0 .*got 12\.5/],
    ['a null balance', '{"set":{"account/alice":null}}', /line 2: set\["account\/alice"\] must be a whole number >= 0 .*got null/],
    ['an unsafe integer', '{"set":{"account/alice":9007199254740993}}', /line 2: set\["account\/alice"\] must be a whole number >= 0/],
    ['a null record', 'null', /line 2: a record must be an object/],
    ['a record without "set"', '{"sett":{"account/alice":1}}', /line 2: set is required/],
  ] as const) {
    it(`refuses to start on ${what}, naming the record, and leaves the journal as it was`, async () => {
      const text = `{"set":{"account/alice":1}}\n${line}\n`;
      writeFileSync(join(dataDir, JOURNAL_FILE), text);
      await assert.rejects(StateStore.open({ dataDir }), message);
      assert.equal(readFileSync(join(dataDir, JOURNAL_FILE), 'utf8'), text);
    });
  }

  it('writes only what its own journal schema accepts', async () => {
    const store = await StateStore.open({ dataDir });
    await assert.rejects(store.write(new Map([['account/a', -1]])), /account\/a.*must be a whole number >= 0/);
    await store.close();
  });

  it('remembers the call a keyed write answered, across a restart, and refuses the key for another write', async () => {
    const first = await StateStore.open({ dataDir });
    const applied = { key: 'key-0001', call: 'deposit {"account":"a","amount":1}', result: { structuredContent: { balance: 1 } } };
    await first.write(new Map([['account/a', 100]]), applied);
    assert.deepEqual(first.appliedCall('key-0001'), { call: applied.call, result: applied.result });
    await assert.rejects(first.write(new Map([['account/a', 200]]), { ...applied, call: 'other' }), /idempotencyKey "key-0001" was already used/);
    await first.close();
    const second = await StateStore.open({ dataDir });
    assert.deepEqual(second.appliedCall('key-0001'), { call: applied.call, result: applied.result });
    assert.equal(await second.read('account/a'), 100);
    assert.equal(second.appliedCall('key-0002'), undefined);
    await second.close();
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

describe('StateStore on a full disk', { skip: tinyFileSystemUnavailable }, () => {
  it('fails a write that did not fully reach the disk with "storage full", leaves the journal as it was, and writes again once there is room', async () => {
    const disk = mountTinyFileSystem(64);
    try {
      const filler = join(disk.path, 'filler');
      writeFileSync(filler, Buffer.alloc(32 * 1024));
      const store = await StateStore.open({ dataDir: disk.path });
      const acknowledged = new Map<string, number>();
      const failures: string[] = [];
      // Eight writers at once, so the append that meets the end of the disk carries several lines.
      await Promise.all(
        Array.from({ length: 8 }, async (_, writer) => {
          for (let round = 0; failures.length < 16; round++) {
            const key = `account/w${writer}-${round % 4}`;
            try {
              await store.write(new Map([[key, round]]));
              acknowledged.set(key, round);
            } catch (error) {
              failures.push((error as Error).message);
            }
          }
        }),
      );
      assert.ok(acknowledged.size > 0, 'some writes fitted');
      for (const message of failures) assert.match(message, /^Storage full: the change was not saved/);
      const journal = readFileSync(join(disk.path, JOURNAL_FILE), 'utf8');
      assert.ok(journal.endsWith('\n'), 'no torn line is left behind');
      for (const line of journal.split('\n').filter(Boolean)) JSON.parse(line);

      unlinkSync(filler);
      await store.write(new Map([['account/after', 1]]));
      acknowledged.set('account/after', 1);
      await store.close();

      const reopened = await StateStore.open({ dataDir: disk.path });
      for (const [key, value] of acknowledged) assert.equal(await reopened.read(key), value, `${key} as acknowledged`);
      assert.equal(reopened.keys('account/').length, acknowledged.size, 'nothing unacknowledged was applied');
      await reopened.close();
    } finally {
      disk.unmount();
    }
  });

  it('opens a journal on a disk too full to compact it, without losing or changing a value', async () => {
    const disk = mountTinyFileSystem(64);
    try {
      const store = await StateStore.open({ dataDir: disk.path });
      const acknowledged = new Map<string, number>();
      for (let round = 0; ; round++) {
        try {
          await store.write(new Map([[`account/a${round % 50}`, round]]));
          acknowledged.set(`account/a${round % 50}`, round);
        } catch {
          break;
        }
      }
      await store.close();
      // Leave no room at all, not even for the compacted copy.
      try {
        writeFileSync(join(disk.path, 'filler'), Buffer.alloc(64 * 1024));
      } catch {
        // ENOSPC once the disk is full: what is written so far stays.
      }
      const notices: string[] = [];
      const reopened = await StateStore.open({ dataDir: disk.path, log: (message) => notices.push(message) });
      for (const [key, value] of acknowledged) assert.equal(await reopened.read(key), value, key);
      assert.match(notices.join('\n'), /not compacted, the disk has no room/);
      await reopened.close();
    } finally {
      disk.unmount();
    }
  });
});

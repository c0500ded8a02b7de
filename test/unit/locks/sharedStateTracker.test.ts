import assert from 'node:assert/strict';
import { mkdtempSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import * as fsPromises from 'node:fs/promises';
import fs from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, afterEach, beforeEach, describe, it } from 'node:test';
import {
  currentLockFrame,
  ResourceLockMap,
  runWithLockContext,
  sharedStateTracker,
  trackFileSystem,
  trackSharedState,
  type LostUpdateEvent,
} from '../../../extension/locks';
import { gate } from '../../support/lockTestKit';

const THIS_FILE = path.basename(__filename);

/** Runs `body` as tool call `tool #requestId`, the way an instrumented server runs each call. */
function asCall<T>(tool: string, requestId: number, body: () => Promise<T>): Promise<T> {
  return runWithLockContext({ owner: { tool, requestId } }, body);
}

describe('shared-state tracking', () => {
  let events: LostUpdateEvent[];
  let unsubscribe: () => void;
  beforeEach(() => {
    events = [];
    unsubscribe = sharedStateTracker.subscribe((event) => events.push(event));
  });
  afterEach(() => unsubscribe());

  describe('trackSharedState', () => {
    it('reports the stale write of two calls that read one key, await, then write: who, whose write was lost, the three sites', async () => {
      const counters = trackSharedState(new Map<string, number>([['alice', 0]]), 'counters');
      const bothRead = [gate(), gate()];
      const proceed = gate();
      const increment = (requestId: number, readDone: { open(): void }) =>
        asCall('increment', requestId, async () => {
          const current = counters.get('alice')!;
          readDone.open();
          await proceed.promise;
          counters.set('alice', current + 1);
        });
      const calls = [increment(1, bothRead[0]), increment(2, bothRead[1])];
      await Promise.all(bothRead.map((read) => read.promise));
      proceed.open();
      await Promise.all(calls);

      assert.equal(counters.get('alice'), 1, 'the race itself: one of two increments is lost');
      assert.equal(events.length, 1);
      const [event] = events;
      assert.equal(event.type, 'lostUpdate');
      assert.equal(event.key, 'counters.alice');
      assert.equal(event.keyKind, 'state');
      assert.deepEqual(event.owner, { tool: 'increment', requestId: 2 });
      assert.deepEqual(event.overwritten.owner, { tool: 'increment', requestId: 1 });
      assert.notEqual(event.overwritten.chainId, event.chainId);
      for (const site of [event.read, event.overwritten, event.staleWrite]) assert.match(site.location ?? '', new RegExp(`${THIS_FILE}:\\d+:\\d+$`));
      assert.notEqual(event.read.location, event.staleWrite.location);
      assert.ok(event.read.atMs <= event.overwritten.atMs && event.overwritten.atMs <= event.atMs);
      assert.equal(event.staleWrite.atMs, event.atMs);
    });

    it('tracks plain objects and nested objects per path', async () => {
      const stats = trackSharedState({ requestCount: 0, byTool: { add: 0 } }, 'stats');
      const proceed = gate();
      const call = (requestId: number) =>
        asCall('count', requestId, async () => {
          const current = stats.requestCount;
          const perTool = stats.byTool.add;
          await proceed.promise;
          stats.requestCount = current + 1;
          stats.byTool.add = perTool + 1;
        });
      const calls = [call(1), call(2)];
      proceed.open();
      await Promise.all(calls);
      assert.deepEqual(events.map((event) => event.key).sort(), ['stats.byTool.add', 'stats.requestCount']);
    });

    it('reports nothing for writes under a lock the writer holds', async () => {
      const locks = new ResourceLockMap(1000);
      const counters = trackSharedState(new Map([['alice', 0]]), 'counters');
      const call = (requestId: number) =>
        asCall('increment', requestId, () =>
          locks.withLock('counter:alice', async () => {
            const current = counters.get('alice')!;
            await Promise.resolve();
            counters.set('alice', current + 1);
          }),
        );
      await Promise.all([call(1), call(2), call(3)]);
      assert.equal(counters.get('alice'), 3);
      // Even a write by a call that skipped the lock does not make the locked writer's write a lost update.
      const proceed = gate();
      const locked = asCall('increment', 4, () =>
        locks.withLock('counter:alice', async () => {
          const current = counters.get('alice')!;
          await proceed.promise;
          counters.set('alice', current + 1);
        }),
      );
      await asCall('reset', 5, async () => counters.set('alice', 0));
      proceed.open();
      await locked;
      assert.deepEqual(events, []);
    });

    it('reports nothing for a blind write, a re-read after the await, or the atomic update-then-capture form', async () => {
      const counters = trackSharedState(new Map([['alice', 0]]), 'counters');
      const proceed = gate();
      const blind = (requestId: number) =>
        asCall('reset', requestId, async () => {
          await proceed.promise;
          counters.set('alice', 0);
        });
      const reRead = (requestId: number) =>
        asCall('increment', requestId, async () => {
          counters.get('alice');
          await proceed.promise;
          counters.set('alice', counters.get('alice')! + 1);
        });
      const atomic = (requestId: number) =>
        asCall('increment', requestId, async () => {
          counters.set('alice', counters.get('alice')! + 1);
          await proceed.promise;
        });
      const calls = [blind(1), reRead(2), atomic(3), reRead(4), blind(5), atomic(6)];
      proceed.open();
      await Promise.all(calls);
      assert.deepEqual(events, []);
    });

    it('reports nothing for calls one after the other, nor outside any tool call, nor while nobody listens', async () => {
      const counters = trackSharedState(new Map([['alice', 0]]), 'counters');
      const increment = (requestId: number) =>
        asCall('increment', requestId, async () => {
          const current = counters.get('alice')!;
          await Promise.resolve();
          counters.set('alice', current + 1);
        });
      await increment(1);
      await increment(2);
      const current = counters.get('alice')!;
      await Promise.all([
        (async () => {
          await Promise.resolve();
          counters.set('alice', current + 1);
        })(),
        (async () => counters.set('alice', current + 5))(),
      ]);
      unsubscribe();
      const proceed = gate();
      const racing = [1, 2].map((requestId) =>
        asCall('increment', requestId, async () => {
          const seen = counters.get('alice')!;
          await proceed.promise;
          counters.set('alice', seen + 1);
        }),
      );
      proceed.open();
      await Promise.all(racing);
      assert.deepEqual(events, []);
    });

    it("counts each call's tracked writes, blind or under a lock, naming its first four distinct keys", async () => {
      const locks = new ResourceLockMap(5000);
      const state = trackSharedState(new Map<string, number>(), 'views');
      const writesOfCall = (requestId: number, body: () => Promise<void> | void) =>
        asCall('countItems', requestId, async () => {
          await body();
          return sharedStateTracker.writesOf(currentLockFrame()!.chain);
        });
      const [manyKeys, underLock, readsOnly] = await Promise.all([
        writesOfCall(1, () => {
          for (const key of ['a', 'b', 'a', 'c', 'd', 'e', 'f']) state.set(key, 1);
          state.delete('b');
        }),
        writesOfCall(2, () => locks.withLock('views', async () => void state.set('g', 1))),
        writesOfCall(3, () => void state.get('a')),
      ]);
      assert.deepEqual(manyKeys, { count: 8, keys: ['views.a', 'views.b', 'views.c', 'views.d'] });
      assert.deepEqual(underLock, { count: 1, keys: ['views.g'] });
      assert.equal(readsOnly, undefined);
      assert.deepEqual(events, [], 'blind writes lose no update: only the tally knows of them');
    });

    it('counts no writes while nobody listens', async () => {
      unsubscribe();
      const state = trackSharedState(new Map<string, number>(), 'quiet');
      const writes = await asCall('countItems', 1, async () => {
        state.set('a', 1);
        return sharedStateTracker.writesOf(currentLockFrame()!.chain);
      });
      assert.equal(writes, undefined);
    });

    it('refuses what it cannot track with a message that says what to pass', () => {
      assert.throws(() => trackSharedState(null as unknown as object, 'x'), /needs a Map or an object, got null; pass the state/);
      assert.throws(() => trackSharedState(new Map(), ''), /needs a non-empty name/);
    });
  });

  describe('trackFileSystem', () => {
    const folder = realpathSync(mkdtempSync(path.join(tmpdir(), 'lost-update-')));
    let uninstall: () => void;
    beforeEach(() => {
      uninstall = trackFileSystem();
    });
    afterEach(() => uninstall());
    after(() => rmSync(folder, { recursive: true, force: true }));

    /** The fixture's handler shape: load JSON, add one item, await, save. */
    async function addItem(file: string, item: string, proceed: Promise<void>, save: (file: string, text: string) => Promise<void>): Promise<void> {
      const items = JSON.parse(await fsPromises.readFile(file, 'utf8')) as string[];
      items.push(item);
      await proceed;
      await save(file, JSON.stringify(items));
    }

    it('reports lost updates of a JSON file store, keyed by its real path, as many as writes lost', async () => {
      const file = path.join(folder, 'items.json');
      fs.writeFileSync(file, '[]');
      const proceed = gate();
      const calls = [1, 2, 3, 4].map((requestId) => asCall('addItem', requestId, () => addItem(file, `item ${requestId}`, proceed.promise, (target, text) => fsPromises.writeFile(target, text))));
      await new Promise((resolve) => setImmediate(resolve));
      proceed.open();
      await Promise.all(calls);
      const kept = (JSON.parse(fs.readFileSync(file, 'utf8')) as string[]).length;
      assert.equal(kept, 1);
      assert.equal(events.length, 4 - kept);
      assert.ok(events.every((event) => event.key === file && event.keyKind === 'file'));
      assert.match(events[0].read.location ?? '', new RegExp(`${THIS_FILE}:\\d+:\\d+$`));
    });

    it('sees a save through a temporary file and rename, through a symlinked folder, with the callback and sync APIs', async () => {
      const linked = path.join(folder, 'linked');
      symlinkSync(folder, linked);
      const file = path.join(folder, 'store.json');
      fs.writeFileSync(file, '[]');
      const proceed = gate();
      const callbackRead = gate();
      const saveByRename = async (target: string, text: string) => {
        fs.writeFileSync(`${target}.tmp`, text);
        await new Promise<void>((resolve, reject) => fs.rename(`${target}.tmp`, target, (error) => (error ? reject(error) : resolve())));
      };
      const viaCallback = asCall('addItem', 1, async () => {
        const text = await new Promise<string>((resolve, reject) => fs.readFile(path.join(linked, 'store.json'), 'utf8', (error, data) => (error ? reject(error) : resolve(data))));
        callbackRead.open();
        await proceed.promise;
        await saveByRename(file, JSON.stringify([...(JSON.parse(text) as string[]), 'a']));
      });
      const viaSync = asCall('addItem', 2, async () => {
        const items = JSON.parse(fs.readFileSync(file, 'utf8')) as string[];
        await proceed.promise;
        await new Promise((resolve) => setImmediate(resolve));
        fs.writeFileSync(path.join(linked, 'store.json'), JSON.stringify([...items, 'b']));
      });
      await callbackRead.promise;
      proceed.open();
      await Promise.all([viaCallback, viaSync]);
      assert.deepEqual(events.map((event) => [event.key, event.owner?.requestId, event.overwritten.owner?.requestId]), [[file, 2, 1]]);
    });

    it("counts a call's file writes (write, append, both paths of a rename, unlink) by real path, and not its reads", async () => {
      const file = path.join(folder, 'views.txt');
      fs.writeFileSync(file, '0');
      const writes = await asCall('countItems', 1, async () => {
        await fsPromises.readFile(file, 'utf8');
        await fsPromises.writeFile(`${file}.tmp`, '1');
        fs.appendFileSync(`${file}.tmp`, '2');
        await fsPromises.rename(`${file}.tmp`, file);
        fs.unlinkSync(file);
        return sharedStateTracker.writesOf(currentLockFrame()!.chain);
      });
      assert.deepEqual(writes, { count: 5, keys: [`${file}.tmp`, file] });
    });

    it('reports nothing when the file store saves under a lock, and restores fs when uninstalled', async () => {
      const locks = new ResourceLockMap(5000);
      const file = path.join(folder, 'locked.json');
      fs.writeFileSync(file, '[]');
      const calls = [1, 2, 3].map((requestId) =>
        asCall('addItem', requestId, () => locks.withLock(`file:${file}`, () => addItem(file, `item ${requestId}`, Promise.resolve(), (target, text) => fsPromises.writeFile(target, text)))),
      );
      await Promise.all(calls);
      assert.equal((JSON.parse(fs.readFileSync(file, 'utf8')) as string[]).length, 3);
      assert.deepEqual(events, []);
      const patched = fs.promises.readFile;
      uninstall();
      assert.notEqual(fs.promises.readFile, patched);
      uninstall = trackFileSystem();
    });
  });
});

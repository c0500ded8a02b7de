import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import FakeTimers from '@sinonjs/fake-timers';
import { raceProbeSummary } from '../../../../extension/contract/describe';
import type { ModelChange, SourcedEvent } from '../../../../extension/contract/inspectorSnapshot';
import type { LostUpdateEvent } from '../../../../extension/contract/lockEvents';
import { runParallelToolCalls } from '../../../../extension/host/client/parallelToolCalls';
import { RaceProbe } from '../../../../extension/host/client/raceProbe';
import { ServerProcess } from '../../../../extension/host/client/serverProcess';
import { InspectorHub } from '../../../../extension/inspector/inspectorHub';
import { InspectorModel } from '../../../../extension/inspector/inspectorModel';
import { fileStoreServerFolder, preloadBundles, writeServerFixedByCodeAction } from '../../../support/fileStoreFixture';

const PARALLEL_CALLS = 40;

// Issue 13: "Run Parallel Tool Calls" is a race probe: after the burst it says how many lost updates were seen and where.
describe('RaceProbe', () => {
  describe('against the unmodified file store under the preload, through the extension client, hub and model', () => {
    let hub: InspectorHub;
    let model: InspectorModel;
    let serverFolder: string;
    let preload: { esm: string; cjs: string };
    const storeFolder = mkdtempSync(join(tmpdir(), 'race-probe-'));
    before(async () => {
      model = new InspectorModel();
      [hub, serverFolder, preload] = await Promise.all([InspectorHub.listen({ model }), fileStoreServerFolder(), preloadBundles()]);
    });
    after(async () => {
      await hub.dispose();
      rmSync(storeFolder, { recursive: true, force: true });
    });

    /** Probes a burst of PARALLEL_CALLS addItem calls to `script`; returns what the probe saw and the items the store kept. */
    async function probeBurst(script: string, label: string): Promise<{ seen: readonly LostUpdateEvent[]; kept: number }> {
      const storeFile = join(storeFolder, `${label}.json`);
      const server = await ServerProcess.start(
        { command: process.execPath, args: ['--import', preload.esm, script], cwd: serverFolder, env: { PATH: process.env['PATH'] ?? '', STORE_FILE: storeFile, ...hub.envFor(label, 'launched') } },
        { clientInfo: { name: 'mcp-lock-inspector', version: '0.1.0' } },
      );
      try {
        // A call's lost updates travel before its end on the same channel: once every call's end reached the model,
        // so did everything the probe is to see, and it need not wait longer.
        const ends = new Promise<void>((resolve) => {
          let ended = 0;
          const stop = model.subscribe((change: ModelChange) => {
            ended += change.events.filter((event) => event.type === 'callEnded' && event.owner.tool === 'addItem').length;
            if (ended >= PARALLEL_CALLS) {
              stop();
              resolve();
            }
          });
        });
        const probe = new RaceProbe(model);
        const outcome = await runParallelToolCalls(server.client, { tool: 'addItem', arguments: { item: 'x' }, count: PARALLEL_CALLS, concurrency: PARALLEL_CALLS });
        assert.equal(outcome.ok, PARALLEL_CALLS);
        await ends;
        const seen = await probe.finish(0);
        return { seen, kept: (JSON.parse(readFileSync(storeFile, 'utf8')) as string[]).length };
      } finally {
        await server.stop();
      }
    }

    it('counts the lost updates of the burst (within 10% of the writes lost) and says where they were', async () => {
      const { seen, kept } = await probeBurst('server.js', 'racy');
      const lostWrites = PARALLEL_CALLS - kept;
      console.log(`race probe: ${lostWrites} of ${PARALLEL_CALLS} writes lost, ${seen.length} lost updates seen`);
      assert.ok(lostWrites > PARALLEL_CALLS / 2, `the unlocked store should lose most writes, lost ${lostWrites}`);
      assert.ok(Math.abs(seen.length - lostWrites) <= 0.1 * lostWrites, `saw ${seen.length} lost updates for ${lostWrites} lost writes`);
      assert.match(raceProbeSummary(seen), new RegExp(`^Race probe: ${seen.length} lost updates seen: ${seen.length}× '[^']*racy\\.json' at [^ ]*storeTools\\.js:\\d+:\\d+\\.$`));
    });

    it("sees none for the store with the editor's lock fix applied, which loses none", async () => {
      const fixedServer = writeServerFixedByCodeAction(serverFolder);
      try {
        const { seen, kept } = await probeBurst(fixedServer, 'fixed');
        assert.equal(kept, PARALLEL_CALLS);
        assert.deepEqual(seen, []);
        assert.equal(raceProbeSummary(seen), 'Race probe: no lost updates seen.');
      } finally {
        rmSync(join(serverFolder, dirname(fixedServer)), { recursive: true, force: true });
      }
    });
  });

  it('keeps what arrives within the settle time after the burst, and nothing after it stopped watching', async () => {
    const clock = FakeTimers.install({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const listeners = new Set<(change: ModelChange) => void>();
      const model = {
        subscribe(listener: (change: ModelChange) => void) {
          listeners.add(listener);
          return () => listeners.delete(listener);
        },
      };
      const deliver = (...events: SourcedEvent[]) => listeners.forEach((listener) => listener({ events, cleared: false } as unknown as ModelChange));
      const lostUpdate = (seq: number): SourcedEvent => ({
        type: 'lostUpdate',
        seq,
        atMs: seq,
        chainId: seq,
        key: 'counters.hits',
        keyKind: 'state',
        read: { atMs: 0 },
        overwritten: { atMs: 0, chainId: 0 },
        staleWrite: { atMs: seq, location: 'server.ts:7:3' },
        sourceId: 's1',
      });
      const probe = new RaceProbe(model);
      deliver(lostUpdate(1), { type: 'callEnded', seq: 2, atMs: 2, owner: { tool: 'hit' }, durationMs: 1, outcome: 'ok', sourceId: 's1' });
      const settled: { seen?: readonly LostUpdateEvent[] } = {};
      void probe.finish(250).then((seen) => (settled.seen = seen));
      await clock.tickAsync(249);
      deliver(lostUpdate(3));
      assert.deepEqual(Object.keys(settled), [], 'still settling');
      await clock.tickAsync(1);
      assert.deepEqual(settled.seen?.map((event) => event.seq), [1, 3]);
      assert.equal(listeners.size, 0, 'stopped watching');
      assert.equal(raceProbeSummary(settled.seen ?? []), "Race probe: 2 lost updates seen: 2× 'counters.hits' at server.ts:7:3.");
    } finally {
      clock.uninstall();
    }
  });
});

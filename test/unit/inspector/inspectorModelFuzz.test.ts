import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { InspectorEvent } from '../../../extension/contract/wireFormat';
import { InspectorModel } from '../../../extension/inspector/inspectorModel';
import { LockEventFactory } from '../../support/lockEvents';

// Sources can reconnect mid-call, drop events or be buggy: whatever order events arrive in, the model stays sane.
describe('InspectorModel under arbitrary event orders (fuzz)', () => {
  const make = new LockEventFactory();
  const resource = fc.constantFrom('a', 'b', 'c', 'd');
  const chainId = fc.integer({ min: 1, max: 6 });
  const owner = fc.option(fc.record({ tool: fc.constantFrom('transfer', 'deposit'), requestId: fc.integer({ min: 1, max: 6 }) }), { nil: undefined });
  const atMs = fc.integer({ min: 0, max: 60_000 });
  const duration = fc.integer({ min: 0, max: 10_000 });
  const event: fc.Arbitrary<InspectorEvent | 'snapshot' | 'disconnect' | 'clear'> = fc.oneof(
    fc.tuple(resource, chainId, atMs, owner).map(([r, c, t, o]) => make.requested(r, c, t, o)),
    fc.tuple(resource, chainId, atMs, duration, owner).map(([r, c, t, d, o]) => make.acquired(r, c, t, d, o)),
    fc.tuple(resource, chainId, atMs, duration, owner).map(([r, c, t, d, o]) => make.released(r, c, t, d, o)),
    fc.tuple(resource, chainId, atMs, duration, owner).map(([r, c, t, d, o]) => make.timeout(r, c, t, d, o)),
    fc.tuple(resource, chainId, atMs, duration, owner).map(([r, c, t, d, o]) => make.aborted(r, c, t, d, o)),
    fc.tuple(resource, chainId, resource, chainId, atMs, owner).map(([r, c, r2, c2, t, o]) => make.deadlock(r, c, r2, c2, t, o)),
    fc.tuple(resource, resource, atMs, owner).map(([r, r2, t, o]) => make.inversion(r, r2, t, o)),
    fc.tuple(resource, chainId, atMs, duration, owner).map(([r, c, t, d, o]) => make.longHold(r, c, t, d, o)),
    fc.tuple(owner, atMs).map(([o, t]) => make.callStarted(o ?? {}, t)),
    fc.tuple(owner, atMs, duration, fc.constantFrom('ok' as const, 'error' as const, 'cancelled' as const)).map(([o, t, d, outcome]) => make.callEnded(o ?? {}, t, d, outcome)),
    fc.constantFrom('snapshot' as const, 'disconnect' as const, 'clear' as const),
  );

  it('never throws, keeps totals equal to what it lists, and stays within its bounds', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom('s1', 's2'), event), { maxLength: 200 }), (steps) => {
        const model = new InspectorModel({ maxEvents: 50, maxResources: 3, maxWarnings: 4 });
        for (const [sourceId, step] of steps) {
          if (step === 'snapshot') model.applySnapshot(sourceId, { atMs: 0, resources: [{ id: 'a', holders: [{ chainId: 1, mode: 'write', sinceMs: 0 }], waiters: [] }] });
          else if (step === 'disconnect') model.disconnectSource(sourceId);
          else if (step === 'clear') model.clear();
          else model.ingest(sourceId, [step]);
        }
        const snapshot = model.snapshot();
        assert.equal(snapshot.totals.held, snapshot.resources.reduce((sum, view) => sum + view.holders.length, 0));
        assert.equal(snapshot.totals.waiting, snapshot.resources.reduce((sum, view) => sum + view.waiters.length, 0));
        assert.ok(model.history().length <= 50);
        assert.ok(snapshot.warnings.length <= 4);
        const idle = snapshot.resources.filter((view) => view.holders.length === 0 && view.waiters.length === 0);
        assert.ok(snapshot.resources.length <= 3 || idle.length === 0, 'only busy resources may exceed the cap');
        assert.ok(snapshot.tools.every((tool) => tool.active >= 0 && tool.active <= tool.calls));
        assert.equal(new Set(snapshot.resources.map((view) => view.key)).size, snapshot.resources.length);
      }),
      { numRuns: 1000 },
    );
  });
});

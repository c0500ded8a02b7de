import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import FakeTimers from '@sinonjs/fake-timers';
import { InspectorModel } from '../../../extension/inspector/inspectorModel';
import type { Clock } from '../../../extension/inspector/throttle';
import { exportChromeTrace } from '../../../extension/inspector/traceExport';
import { TimelineStore } from '../../../webview/timeline/timelineStore';
import { LockEventFactory } from '../../support/lockEvents';

const transfer = { tool: 'transfer', requestId: 256 };
const audit = { tool: 'audit', requestId: 257 };
const GONE_AT_MS = 1_000_000;

/** A source that holds account:alice (chain 1) with audit queued behind it (chain 2), then disconnects. */
function modelWhoseSourceWentAway(): InspectorModel {
  const fake = FakeTimers.createClock(GONE_AT_MS - 500);
  const clock: Clock = { now: () => fake.now, setTimeout: (callback, delayMs) => fake.setTimeout(callback, delayMs), clearTimeout: (handle) => fake.clearTimeout(handle as FakeTimers.TimerId) };
  const model = new InspectorModel({ clock });
  model.addSource({ id: 'debugged', label: 'debugged server', kind: 'debug', pid: 42, connectedAtMs: fake.now });
  const make = new LockEventFactory();
  model.ingest('debugged', [
    make.requested('account:alice', 1, GONE_AT_MS - 400, transfer),
    make.acquired('account:alice', 1, GONE_AT_MS - 400, 0, transfer),
    make.requested('account:alice', 2, GONE_AT_MS - 300, audit, 'write', 1),
  ]);
  fake.tick(500);
  model.disconnectSource('debugged');
  return model;
}

describe('a source that goes away', () => {
  it('ends its holds and waits in the model at that moment, and says so in history', () => {
    const model = modelWhoseSourceWentAway();
    const snapshot = model.snapshot();
    assert.equal(snapshot.totals.held, 0);
    assert.equal(snapshot.totals.waiting, 0);
    assert.deepEqual(model.history().at(-1), { type: 'sourceGone', atMs: GONE_AT_MS, sourceId: 'debugged' });
  });

  it('closes the timeline bars at the moment it went away, as never released, with nothing left growing', () => {
    const store = new TimelineStore();
    store.ingest(modelWhoseSourceWentAway().history());
    const lane = store.lanes.get('debugged\u0000account:alice');
    assert.ok(lane, 'the lane exists');
    assert.deepEqual(lane.openSpans(GONE_AT_MS + 60_000), [], 'nothing is still holding or waiting');
    const closed: string[] = [];
    lane.forEachSpanIn(0, Infinity, (span) => closed.push(`${span.kind}:${span.outcome}:${span.startMs}-${span.endMs}`));
    assert.deepEqual(closed.sort(), [`hold:sourceGone:${GONE_AT_MS - 400}-${GONE_AT_MS}`, `wait:sourceGone:${GONE_AT_MS - 300}-${GONE_AT_MS}`]);
  });

  it('ends the exported slices there too, marked sourceGone rather than released or unfinished', () => {
    const trace = exportChromeTrace(modelWhoseSourceWentAway().history());
    const slices = trace.traceEvents.filter((event) => event.ph === 'X');
    assert.deepEqual(
      slices.map((slice) => [slice.cat, (slice.args as { outcome?: string }).outcome, slice.dur]).sort(),
      [['hold', 'sourceGone', 400_000], ['wait', 'sourceGone', 300_000]],
    );
    assert.ok(trace.traceEvents.some((event) => event.ph === 'i' && event.cat === 'sourceGone'), 'a marker says when the process went away');
    assert.ok(slices.every((slice) => !(slice.args as { unfinished?: boolean }).unfinished));
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { InspectorModel } from '../../../extension/inspector/inspectorModel';
import { exportChromeTrace, type ChromeTraceEvent } from '../../../extension/inspector/traceExport';
import { LockEventFactory } from '../../support/lockEvents';

const transfer1 = { tool: 'transfer', requestId: 1 };
const transfer2 = { tool: 'transfer', requestId: 2 };
const audit3 = { tool: 'audit', requestId: 3 };

function contendedHistory() {
  const model = new InspectorModel();
  model.addSource({ id: 's1', label: 'bundled server', kind: 'launched', pid: 77, connectedAtMs: 0 });
  const make = new LockEventFactory();
  model.ingest('s1', [
    make.callStarted(transfer1, 1000),
    make.callStarted(transfer2, 1000),
    make.callStarted(audit3, 1001),
    make.requested('account:A', 1, 1000, transfer1),
    make.acquired('account:A', 1, 1000, 0, transfer1),
    make.requested('account:A', 2, 1002, transfer2),
    make.requested('account:A', 3, 1003, audit3),
    make.released('account:A', 1, 1050, 50, transfer1),
    make.callEnded(transfer1, 1050, 50),
    make.acquired('account:A', 2, 1050, 48, transfer2),
    make.timeout('account:A', 3, 1060, 57, audit3),
    make.callEnded(audit3, 1060, 59, 'error', 'E_LOCK_TIMEOUT'),
    Object.assign(make.longHold('account:A', 2, 1100, 50, transfer2), { slowCall: ratesCall }),
    make.deadlock('account:B', 2, 'account:A', 9, 1110, transfer2),
    make.inversion('account:A', 'account:B', 1120, transfer1, transfer2),
  ]);
  return model;
}

/** What transfer #2's long hold was spent awaiting. */
const ratesCall = { location: 'rates.ts:12:9', awaitedMs: 48, frames: ['loadRates (rates.ts:12:9)'], call: 'fetch GET http://127.0.0.1/rates' };

const trackNames = (events: readonly ChromeTraceEvent[]) =>
  new Map(events.filter((event) => event.name === 'thread_name').map((event) => [`${event.pid}:${event.tid}`, (event.args as { name: string }).name]));

describe('exportChromeTrace', () => {
  it('writes parseable trace JSON with one process per source and named tracks', () => {
    const model = contendedHistory();
    const trace = JSON.parse(JSON.stringify(exportChromeTrace(model.history(), model.snapshot().sources)));
    assert.ok(Array.isArray(trace.traceEvents));
    assert.equal(trace.displayTimeUnit, 'ms');
    const processes = trace.traceEvents.filter((event: ChromeTraceEvent) => event.name === 'process_name');
    assert.deepEqual(processes.map((event: ChromeTraceEvent) => event.args?.name), ['bundled server (launched, pid 77)']);
    const names = [...trackNames(trace.traceEvents).values()];
    assert.ok(names.includes('account:A') && names.includes('account:A · waiting') && names.includes('tool calls'), names.join(', '));
    assert.equal(trace.otherData.startEpochMs, 1000);
  });

  it('draws holds and waits as complete events with owner and duration, waits that overlap on separate lanes', () => {
    const trace = exportChromeTrace(contendedHistory().history());
    const tracks = trackNames(trace.traceEvents);
    const complete = trace.traceEvents.filter((event) => event.ph === 'X');
    const hold = complete.find((event) => event.cat === 'hold' && event.name === 'held by transfer #1');
    assert.deepEqual([hold?.ts, hold?.dur, tracks.get(`${hold?.pid}:${hold?.tid}`)], [0, 50_000, 'account:A']);
    assert.deepEqual(hold?.args?.owner, transfer1);
    const waits = complete.filter((event) => event.cat === 'wait');
    assert.deepEqual(waits.map((event) => [event.name, event.ts, event.dur]), [
      ['transfer #2 waits', 2000, 48_000],
      ['audit #3 waits', 3000, 57_000],
    ]);
    assert.notEqual(waits[0]?.tid, waits[1]?.tid, 'overlapping waits cannot share a track');
    assert.equal(waits[1]?.args?.outcome, 'timeout');
    const unfinished = complete.find((event) => event.name === 'held by transfer #2');
    assert.equal(unfinished?.args?.unfinished, true);
    assert.equal(unfinished?.dur, 70_000, 'an open hold runs to the last event');
  });

  it('puts tool calls on their own track and marks timeouts, long holds, deadlocks and inversions', () => {
    const trace = exportChromeTrace(contendedHistory().history());
    const tracks = trackNames(trace.traceEvents);
    const calls = trace.traceEvents.filter((event) => event.cat === 'call');
    assert.deepEqual(calls.map((event) => event.name).sort(), ['audit #3', 'transfer #1', 'transfer #2']);
    assert.ok(calls.every((event) => tracks.get(`${event.pid}:${event.tid}`)?.startsWith('tool calls')));
    assert.equal(calls.find((event) => event.name === 'audit #3')?.args?.errorCode, 'E_LOCK_TIMEOUT');
    const instants = trace.traceEvents.filter((event) => event.ph === 'i');
    assert.deepEqual(instants.map((event) => event.cat), ['timeout', 'longHold', 'deadlock', 'inversion']);
    assert.deepEqual(instants[0]?.args?.owner, audit3);
    assert.deepEqual(instants[1]?.args?.slowCall, ratesCall, 'a long hold says what it was spent awaiting');
    assert.equal(instants[3]?.s, 'p');
  });

  it('never lets two complete events on one track overlap without nesting, for any lock history', () => {
    const interval = fc.record({ chainId: fc.nat(20), resource: fc.constantFrom('a', 'b'), start: fc.nat(1000), length: fc.nat(300), mode: fc.constantFrom('read' as const, 'write' as const) });
    fc.assert(
      fc.property(fc.array(interval, { maxLength: 40 }), (intervals) => {
        const make = new LockEventFactory();
        const events = intervals
          .flatMap(({ chainId, resource, start, length, mode }) => [
            { at: start, event: make.acquired(resource, chainId, start + length / 2, length / 2, undefined, mode) },
            { at: start + length, event: make.released(resource, chainId, start + length, length / 2, undefined, mode) },
          ])
          .sort((a, b) => a.at - b.at)
          .map(({ event }) => ({ ...event, sourceId: 's1' }));
        const byTrack = new Map<string, ChromeTraceEvent[]>();
        for (const event of exportChromeTrace(events).traceEvents.filter((candidate) => candidate.ph === 'X')) {
          const key = `${event.pid}:${event.tid}`;
          byTrack.set(key, [...(byTrack.get(key) ?? []), event]);
        }
        for (const track of byTrack.values()) {
          const sorted = track.sort((a, b) => a.ts - b.ts);
          for (let index = 1; index < sorted.length; index += 1) {
            const previous = sorted[index - 1] as ChromeTraceEvent;
            assert.ok((sorted[index] as ChromeTraceEvent).ts >= previous.ts + (previous.dur ?? 0), 'slices on a track overlap');
          }
        }
      }),
    );
  });

  it('exports an empty history as an empty, valid trace', () => {
    assert.deepEqual(exportChromeTrace([]).traceEvents, []);
  });
});

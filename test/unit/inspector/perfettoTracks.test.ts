import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { SourcedEvent } from '../../../extension/contract/inspectorSnapshot';
import { exportChromeTrace, type ChromeTrace, type ChromeTraceEvent } from '../../../extension/inspector/traceExport';
import { chromeTraceViolations } from '../../support/chromeTraceRules';
import { fromSource, LockEventFactory } from '../../support/lockEvents';

const transfer = (requestId: number) => ({ tool: 'transfer', requestId, replica: 'a' });
const reader = (requestId: number) => ({ tool: 'balance', requestId });

/** A hand-over on account:A, two readers sharing cache, and a deadlock between chains 2 and 4 while both hold. */
function history(): SourcedEvent[] {
  const make = new LockEventFactory();
  return fromSource('s1', [
    ...make.call('account:A', 1, 1000, 50, transfer(1)).slice(0, 2),
    make.requested('account:A', 2, 1002, transfer(2), 'write', 1),
    make.released('account:A', 1, 1050, 50, transfer(1)),
    make.acquired('account:A', 2, 1050.2, 48.2, transfer(2)),
    make.requested('cache', 5, 1010, reader(5), 'read'),
    make.acquired('cache', 5, 1010, 0, reader(5), 'read'),
    make.requested('cache', 6, 1020, reader(6), 'read'),
    make.acquired('cache', 6, 1020, 0, reader(6), 'read'),
    make.released('cache', 5, 1040, 30, reader(5), 'read'),
    make.released('cache', 6, 1060, 40, reader(6), 'read'),
    make.requested('account:B', 4, 1055, transfer(4)),
    make.acquired('account:B', 4, 1055, 0, transfer(4)),
    make.requested('account:A', 4, 1060, transfer(4), 'write', 0),
    make.deadlock('account:B', 2, 'account:A', 4, 1070, transfer(2), transfer(4)),
    make.released('account:A', 2, 1100, 49.8, transfer(2)),
    make.released('account:B', 4, 1101, 46, transfer(4)),
  ]);
}

const byPhase = (trace: ChromeTrace, ph: ChromeTraceEvent['ph']) => trace.traceEvents.filter((event) => event.ph === ph);
const threadOf = (trace: ChromeTrace, event: ChromeTraceEvent) =>
  trace.traceEvents.find((meta) => meta.name === 'thread_name' && meta.pid === event.pid && meta.tid === event.tid)?.args?.name;

describe('Perfetto-grade trace export', () => {
  it('draws a flow from a release to the acquire it handed the resource to', () => {
    const trace = exportChromeTrace(history());
    const handOvers = byPhase(trace, 's').filter((event) => event.cat === 'handOver');
    assert.equal(handOvers.length, 1);
    assert.match(handOvers[0]?.name ?? '', /^hand-over of account:A to transfer #2/);
    const end = byPhase(trace, 'f').find((event) => event.id === handOvers[0]?.id);
    const slices = byPhase(trace, 'X');
    const enclosing = (event: ChromeTraceEvent | undefined) => slices.find((slice) => slice.pid === event?.pid && slice.tid === event?.tid && slice.ts <= (event?.ts ?? -1) && (event?.ts ?? -1) <= slice.ts + (slice.dur ?? 0));
    assert.deepEqual([enclosing(handOvers[0])?.args?.chainId, enclosing(end)?.args?.chainId], [1, 2], 'from the releaser\'s hold to the next holder\'s');
  });

  it('draws the wait-for edges of a deadlock from each waiting call\'s hold to the hold it waits for', () => {
    const trace = exportChromeTrace(history());
    const edges = byPhase(trace, 's').filter((event) => event.cat === 'waitFor');
    const slices = byPhase(trace, 'X');
    const holdAround = (event: ChromeTraceEvent | undefined) =>
      slices.find((slice) => slice.cat === 'hold' && slice.pid === event?.pid && slice.tid === event?.tid && slice.ts <= (event?.ts ?? -1) && (event?.ts ?? -1) <= slice.ts + (slice.dur ?? 0));
    const described = edges.map((start) => {
      const end = byPhase(trace, 'f').find((event) => event.id === start.id && event.cat === 'waitFor');
      const from = holdAround(start);
      const to = holdAround(end);
      return `${from?.args?.chainId}@${from?.args?.resource} -> ${to?.args?.chainId}@${to?.args?.resource}`;
    });
    assert.deepEqual(described.sort(), ['2@account:A -> 4@account:B', '4@account:B -> 2@account:A']);
  });

  it('puts every hold of a resource on one async track, where read holds overlap', () => {
    const trace = exportChromeTrace(history());
    const cacheHolds = byPhase(trace, 'b').filter((event) => event.name === 'cache');
    assert.equal(cacheHolds.length, 2);
    const ends = byPhase(trace, 'e').filter((event) => event.name === 'cache');
    const [first, second] = cacheHolds.sort((a, b) => a.ts - b.ts);
    const firstEnd = ends.find((event) => event.id2?.local === first?.id2?.local);
    assert.ok((second?.ts ?? Infinity) < (firstEnd?.ts ?? -Infinity), 'the two read holds overlap on the cache track');
    assert.deepEqual(cacheHolds.map((event) => event.args?.mode), ['read', 'read']);
  });

  it('counts waiters and holders per resource on counter tracks', () => {
    const trace = exportChromeTrace(history());
    const queue = byPhase(trace, 'C').filter((event) => event.name === 'account:A queue');
    assert.deepEqual(queue.map((event) => [event.ts, event.args?.waiting, event.args?.holding]), [
      [0, 1, 0],
      [0, 0, 1],
      [2000, 1, 1],
      [50_000, 1, 0],
      [50_200, 0, 1],
      [60_000, 1, 1],
      [100_000, 1, 0],
    ]);
  });

  it('carries owner, resource and replica in the args of every hold', () => {
    const trace = exportChromeTrace(history());
    const hold = byPhase(trace, 'X').find((event) => event.cat === 'hold' && event.args?.chainId === 2);
    assert.deepEqual([hold?.args?.resource, hold?.args?.replica, hold?.args?.owner], ['account:A', 'a', transfer(2)]);
    assert.equal(threadOf(trace, hold as ChromeTraceEvent), 'account:A');
  });

  it('follows the format\'s rules: no overlap on a thread, every flow matched and bound to a slice, async slices closed', () => {
    assert.deepEqual(chromeTraceViolations(exportChromeTrace(history())), []);
    const interval = fc.record({ chainId: fc.nat(6), resource: fc.constantFrom('a', 'b'), start: fc.nat(1000), waited: fc.nat(50), length: fc.nat(300), mode: fc.constantFrom('read' as const, 'write' as const) });
    fc.assert(
      fc.property(fc.array(interval, { maxLength: 30 }), (intervals) => {
        const make = new LockEventFactory();
        const events = intervals
          .flatMap(({ chainId, resource, start, waited, length, mode }) => [
            { at: start, event: make.requested(resource, chainId, start, undefined, mode) },
            { at: start + waited, event: make.acquired(resource, chainId, start + waited, waited, undefined, mode) },
            { at: start + waited + length, event: make.released(resource, chainId, start + waited + length, length, undefined, mode) },
          ])
          .sort((a, b) => a.at - b.at)
          .map(({ event }) => ({ ...event, sourceId: 's1' }));
        assert.deepEqual(chromeTraceViolations(exportChromeTrace(events)), []);
      }),
    );
  });

  it('the rules catch what Perfetto would refuse or drop: overlap, a flow without its end, a flow end outside any slice', () => {
    const slice = (name: string, ts: number, dur: number): ChromeTraceEvent => ({ name, ph: 'X', ts, dur, pid: 1, tid: 1 });
    const trace = (traceEvents: ChromeTraceEvent[]): ChromeTrace => ({ traceEvents, displayTimeUnit: 'ms', otherData: { generator: 'test', startEpochMs: 0, events: 0 } });
    assert.match(chromeTraceViolations(trace([slice('a', 0, 10), slice('b', 5, 10)])).join('\n'), /"b" at 5 overlaps "a" without nesting/);
    assert.match(chromeTraceViolations(trace([slice('a', 0, 10), { name: 'x', cat: 'handOver', ph: 's', id: '1', ts: 5, pid: 1, tid: 1 }])).join('\n'), /flow handOver\/1 has 1 start\(s\) and 0 end\(s\)/);
    assert.match(
      chromeTraceViolations(trace([slice('a', 0, 10), { name: 'x', cat: 'c', ph: 's', id: '1', ts: 5, pid: 1, tid: 1 }, { name: 'x', cat: 'c', ph: 'f', bp: 'e', id: '1', ts: 50, pid: 1, tid: 1 }])).join('\n'),
      /flow c\/1 end at 50 lies in no slice/,
    );
    assert.match(chromeTraceViolations(trace([{ name: 'q', ph: 'C', ts: 1, pid: 1, tid: 0, args: { waiting: 'x' } }])).join('\n'), /non-numeric/);
  });
});

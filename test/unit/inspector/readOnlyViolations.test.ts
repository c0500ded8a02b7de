import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SourcedEvent } from '../../../extension/contract/inspectorSnapshot';
import type { LockOwner } from '../../../extension/contract/lockEvents';
import type { InspectorEvent, SharedWrites, ToolAnnotationHints } from '../../../extension/contract/wireFormat';
import { adviceWarnings } from '../../../extension/inspector/advice/adviceWarnings';
import { parallelSafetyHints, readOnlyViolations } from '../../../extension/inspector/advice/parallelSafetyHints';
import { fromSource, LockEventFactory } from '../../support/lockEvents';

let chains = 0;

/** One call of `tool` that reports `annotations` and takes `resource` in `mode`. */
function call(make: LockEventFactory, owner: LockOwner, atMs: number, annotations: ToolAnnotationHints | undefined, mode: 'read' | 'write', resource = 'account:a0'): InspectorEvent[] {
  const chainId = ++chains;
  return [
    { ...make.callStarted(owner, atMs), ...(annotations === undefined ? {} : { annotations }) } as InspectorEvent,
    make.requested(resource, chainId, atMs, owner, mode),
    make.acquired(resource, chainId, atMs + 1, 1, owner, mode),
    make.released(resource, chainId, atMs + 2, 1, owner, mode),
    make.callEnded(owner, atMs + 2, 2),
  ];
}

/** `events` with `sharedWrites` on their call's end, as the instrumentation reports a call that wrote tracked state. */
function wrote(events: InspectorEvent[], sharedWrites: SharedWrites): InspectorEvent[] {
  return events.map((event) => (event.type === 'callEnded' ? { ...event, sharedWrites } : event));
}

/** A lost update: `stale` wrote `key` from a read `overwritten`'s write made stale. */
function lostUpdate(seq: number, key: string, stale: { owner: LockOwner; chainId: number; atMs: number }, overwritten: { owner: LockOwner; chainId: number; atMs: number }): SourcedEvent {
  return {
    type: 'lostUpdate',
    seq,
    atMs: stale.atMs,
    chainId: stale.chainId,
    owner: stale.owner,
    key,
    keyKind: 'file',
    read: { atMs: stale.atMs - 10 },
    overwritten: { atMs: overwritten.atMs, chainId: overwritten.chainId, owner: overwritten.owner },
    staleWrite: { atMs: stale.atMs },
    sourceId: 'store',
  };
}

describe('tools annotated read-only that write', () => {
  it('names a read-only tool that took write locks, with how often and on what, in the describe sentence', () => {
    const make = new LockEventFactory();
    const readOnly = { readOnlyHint: true };
    const history = fromSource('bank', [
      ...[0, 1, 2, 3].flatMap((index) => call(make, { tool: 'get_balance', requestId: index }, index * 10, readOnly, index < 3 ? 'write' : 'read')),
      ...[0, 1, 2].flatMap((index) => call(make, { tool: 'deposit', requestId: 10 + index }, index * 10, { readOnlyHint: false }, 'write')),
    ]);
    assert.deepEqual(readOnlyViolations(history), [
      { sourceId: 'bank', tool: 'get_balance', calls: 4, writeLocks: 3, writeLockResources: ['account:a0'], trackedWrites: 0, writtenKeys: [] },
    ]);
    const warnings = adviceWarnings(history).filter((warning) => warning.advice === 'readOnlyViolation');
    assert.deepEqual(
      warnings.map((warning) => [warning.tool, warning.message]),
      [
        [
          'get_balance',
          "Read-only tool writes: get_balance is annotated readOnlyHint: true, yet in 4 calls it took 3 write locks (on 'account:a0'). " +
            'Clients run read-only tools in parallel with others and without confirmation; take only read locks and write nothing, or drop the hint.',
        ],
      ],
    );
  });

  it('counts its writes of tracked shared state from lost-update reports, each write once, stale or overwritten', () => {
    const make = new LockEventFactory();
    const owner = (requestId: number): LockOwner => ({ tool: 'countItems', requestId });
    const calls = fromSource('store', [0, 1, 2].map((index) => ({ ...make.callStarted(owner(index), index), annotations: { readOnlyHint: true } }) as InspectorEvent));
    // Three writes in a row, each from a stale read: the middle one is the stale write of the first report and the overwritten of the second.
    const history = [
      ...calls,
      lostUpdate(1, '/srv/store.json.views', { owner: owner(1), chainId: 2, atMs: 200 }, { owner: owner(0), chainId: 1, atMs: 100 }),
      lostUpdate(2, '/srv/store.json.views', { owner: owner(2), chainId: 3, atMs: 300 }, { owner: owner(1), chainId: 2, atMs: 200 }),
    ];
    const [violation] = readOnlyViolations(history);
    assert.deepEqual([violation?.tool, violation?.calls, violation?.trackedWrites, violation?.writtenKeys, violation?.writeLocks], ['countItems', 3, 3, ['/srv/store.json.views'], 0]);
    assert.match(adviceWarnings(history).find((warning) => warning.advice === 'readOnlyViolation')?.message ?? '', /in 3 calls it made 3 writes of tracked shared state \('\/srv\/store\.json\.views'\)\./);
  });

  it('counts the tracked writes the ends of its calls report, with no lost update at all, and names their keys', () => {
    const make = new LockEventFactory();
    const calls = (annotations: ToolAnnotationHints | undefined) =>
      fromSource(
        'store',
        [0, 1, 2].flatMap((index) =>
          wrote(call(make, { tool: 'countItems', requestId: index }, index * 10, annotations, 'read', 'file:store'), { count: 2, keys: ['/srv/store.json.lastRead', 'views.total'] }),
        ),
      );
    const history = calls({ readOnlyHint: true });
    assert.deepEqual(readOnlyViolations(history), [
      { sourceId: 'store', tool: 'countItems', calls: 3, writeLocks: 0, writeLockResources: [], trackedWrites: 6, writtenKeys: ['/srv/store.json.lastRead', 'views.total'] },
    ]);
    assert.match(
      adviceWarnings(history).find((warning) => warning.advice === 'readOnlyViolation')?.message ?? '',
      /^Read-only tool writes: countItems is annotated readOnlyHint: true, yet in 3 calls it made 6 writes of tracked shared state \('\/srv\/store\.json\.lastRead', 'views\.total'\)\./,
    );
    // Read locks only, but it writes: no read-only hint is suggested for it.
    assert.deepEqual(parallelSafetyHints(calls(undefined)), []);
  });

  it("counts a write that both a call's end and a lost update report once, and a lost update's write of a call whose end counts none", () => {
    const make = new LockEventFactory();
    const owner = (requestId: number): LockOwner => ({ tool: 'countItems', requestId });
    const readOnly = { annotations: { readOnlyHint: true } };
    // Call 0 ends counting its one write; call 1's end (an older reporter) counts none, yet a lost update names its stale write.
    const history = [
      ...fromSource('store', [
        { ...make.callStarted(owner(0), 0), ...readOnly } as InspectorEvent,
        { ...make.callEnded(owner(0), 100, 100), sharedWrites: { count: 1, keys: ['/srv/store.json.views'] } } as InspectorEvent,
        { ...make.callStarted(owner(1), 50), ...readOnly } as InspectorEvent,
      ]),
      lostUpdate(1, '/srv/store.json.views', { owner: owner(1), chainId: 2, atMs: 200 }, { owner: owner(0), chainId: 1, atMs: 100 }),
      ...fromSource('store', [make.callEnded(owner(1), 200, 150)]),
    ];
    const [violation] = readOnlyViolations(history);
    assert.deepEqual([violation?.trackedWrites, violation?.writtenKeys], [2, ['/srv/store.json.views']]);
  });

  it('says nothing of a read-only tool that only reads, and does not suggest the hint it already has', () => {
    const make = new LockEventFactory();
    const reads = (annotations: ToolAnnotationHints | undefined) =>
      fromSource('bank', [0, 1, 2, 3].flatMap((index) => call(make, { tool: 'get_balance', requestId: index }, index * 10, annotations, 'read')));
    assert.deepEqual(readOnlyViolations(reads({ readOnlyHint: true })), []);
    assert.deepEqual(parallelSafetyHints(reads({ readOnlyHint: true })), []);
    assert.deepEqual(parallelSafetyHints(reads(undefined)).map((hint) => hint.tool), ['get_balance']);
    // Writes of a tool without the hint are no violation.
    const writes = fromSource('bank', [0, 1, 2].flatMap((index) => call(make, { tool: 'deposit', requestId: index }, index * 10, undefined, 'write')));
    assert.deepEqual(readOnlyViolations(writes), []);
  });
});

import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import {
  cycleNodes,
  deadlockMessage,
  describeCycle,
  describeLockWarning,
  describeOwner,
  formatDuration,
  inversionMessage,
  longHoldMessage,
  timeoutMessage,
} from '../../../extension/contract/describe';
import type { WaitForEdge } from '../../../extension/contract/lockEvents';
import { inspectorEventSchema } from '../../../extension/contract/wireSchema';

// transfer #1 holds A and waits for B; transfer #2 holds B and waits for A. Listed out of order on purpose.
const cycle: WaitForEdge[] = [
  { waiter: { chainId: 2, owner: { tool: 'transfer', requestId: 2 }, mode: 'write' }, resource: 'account:A', holderChainId: 1 },
  { waiter: { chainId: 1, owner: { tool: 'transfer', requestId: 1 }, mode: 'write' }, resource: 'account:B', holderChainId: 2 },
];

test('owners show tool and request, else their label, else the chain', () => {
  assert.equal(describeOwner({ tool: 'transfer', requestId: 12 }, 3), 'transfer #12');
  assert.equal(describeOwner({ tool: 'transfer' }, 3), 'transfer');
  assert.equal(describeOwner({ label: 'startup' }, 3), 'startup');
  assert.equal(describeOwner(undefined, 3), 'chain 3');
  assert.equal(describeOwner(undefined), 'unknown owner');
});

test('durations read naturally at every scale, with one set of units', () => {
  const cases: [number, string][] = [
    [0, '0 ms'],
    [0.42, '0.4 ms'],
    [3, '3 ms'],
    [12.6, '13 ms'],
    [999, '999 ms'],
    [999.9, '1 s'],
    [1000, '1 s'],
    [1200, '1.2 s'],
    [12_900, '12 s'],
    [125_000, '2 min 05 s'],
    [250_000, '4 min 10 s'],
    [3_720_000, '1 h 02 min'],
    [-1, '–'],
    [Number.NaN, '–'],
  ];
  for (const [ms, text] of cases) assert.equal(formatDuration(ms), text, `${ms} ms`);
});

test('a cycle reads round the loop: call, the resource it waits for, the call holding it', () => {
  assert.deepEqual(
    cycleNodes(cycle).map((node) => (node.kind === 'call' ? `call:${node.chainId}` : `resource:${node.id}`)),
    ['call:2', 'resource:account:A', 'call:1', 'resource:account:B'],
  );
  assert.equal(describeCycle(cycle), "transfer #2 waits for 'account:A' held by transfer #1, which waits for 'account:B' held by transfer #2");
});

test('a holder that waits nowhere ends the chain instead of looping', () => {
  const open: WaitForEdge[] = [{ waiter: { chainId: 5, mode: 'write' }, resource: 'r', holderChainId: 9 }];
  assert.equal(describeCycle(open), "chain 5 waits for 'r' held by chain 9");
  assert.deepEqual(cycleNodes([]), []);
});

test('one deadlock reads the same in the warning and in the MCP log message', () => {
  const party = { chainId: 2, owner: { tool: 'transfer', requestId: 2 } };
  const warning = deadlockMessage(party, 'account:A', cycle);
  const logged = describeLockWarning({ type: 'deadlock', seq: 1, atMs: 0, ...party, resource: 'account:A', mode: 'write', cycle });
  assert.equal(logged, warning);
  assert.ok(warning.includes(describeCycle(cycle)));
  assert.match(deadlockMessage(party, 'account:A', cycle, 3), /^Deadlock averted \(3 times\): transfer #2 asked for 'account:A'/);
});

test('inversions, long holds and timeouts name both sides and say what to do', () => {
  const earlier = { first: 'A', second: 'B', chainId: 1, owner: { tool: 'ab', requestId: 1 }, atMs: 0, location: 'src/bank.ts:12:7' };
  const later = { first: 'B', second: 'A', chainId: 2, owner: { tool: 'ba', requestId: 2 }, atMs: 1 };
  assert.equal(
    inversionMessage(earlier, later),
    "Lock-order inversion: ab #1 took 'A' then 'B' at src/bank.ts:12:7, but ba #2 took 'B' then 'A'. Two such calls at once deadlock; take both in one order (one withLocks call).",
  );
  assert.match(longHoldMessage({ chainId: 1, owner: { tool: 'slow' } }, 'db', 1500, 1000), /slow has held 'db' for 1\.5 s \(threshold 1 s\)/);
  const holder = { chainId: 9, owner: { tool: 'holder', requestId: 1 }, mode: 'write' as const, sinceMs: 0 };
  assert.equal(timeoutMessage({ chainId: 3, owner: { tool: 'withdraw' } }, 'account:alice', 1000, [holder]), "withdraw timed out after 1 s waiting for 'account:alice', held by holder #1.");
});

test('a long hold spent awaiting a slow call names the call, its callers and its share, and the wire keeps it', () => {
  const slowCall = { location: 'src/rates.ts:8:10', awaitedMs: 1200, frames: ['fetchRates (src/rates.ts:8:10)', 'convert (src/tools.ts:31:22)'] };
  assert.equal(
    longHoldMessage({ chainId: 1, owner: { tool: 'convert', requestId: 4 } }, 'rates', 1500, 1000, 2, slowCall),
    "Long hold (2 times): convert #4 has held 'rates' for 1.5 s (threshold 1 s), 1.2 s of it (80%) awaiting fetchRates (src/rates.ts:8:10), called from convert (src/tools.ts:31:22): held across a slow call. Do that call before taking the lock, or lock only the update after it.",
  );
  const event = { type: 'longHold', seq: 3, atMs: 1500, chainId: 1, resource: 'rates', mode: 'write', heldMs: 1500, thresholdMs: 1000, slowCall };
  assert.deepEqual(inspectorEventSchema.parse(event), event);
  assert.equal(inspectorEventSchema.safeParse({ ...event, slowCall: { ...slowCall, frames: Array(17).fill('f (x.ts:1:1)') } }).success, false, 'at most 16 frames');
});

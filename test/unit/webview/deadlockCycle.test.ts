import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import type { WaitForEdge } from '../../../extension/contract/lockEvents';
import { cycleNodes, cycleText } from '../../../webview/shared/deadlockCycle';

// transfer #1 holds A and waits for B; transfer #2 holds B and waits for A. Listed out of order on purpose.
const cycle: WaitForEdge[] = [
  { waiter: { chainId: 2, owner: { tool: 'transfer', requestId: 2 }, mode: 'write' }, resource: 'account:A', holderChainId: 1 },
  { waiter: { chainId: 1, owner: { tool: 'transfer', requestId: 1 }, mode: 'write' }, resource: 'account:B', holderChainId: 2 },
];

test('reads round the loop: call, the resource it waits for, the call holding it', () => {
  assert.deepEqual(
    cycleNodes(cycle).map((node) => (node.kind === 'call' ? `call:${node.chainId}` : `resource:${node.id}`)),
    ['call:2', 'resource:account:A', 'call:1', 'resource:account:B'],
  );
  assert.equal(cycleText(cycle), 'transfer #2 → account:A → transfer #1 → account:B → transfer #2');
});

test('a holder that waits nowhere ends the chain instead of looping', () => {
  const open: WaitForEdge[] = [{ waiter: { chainId: 5, mode: 'write' }, resource: 'r', holderChainId: 9 }];
  assert.equal(cycleText(open), 'chain 5 → r → chain 9');
  assert.deepEqual(cycleNodes([]), []);
});

import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import type { WarningView } from '../../../extension/contract/inspectorSnapshot';
import { groupWarnings } from '../../../webview/sidebar/warningGroups';

function deadlock(id: string, atMs: number, tools: [string, string], account: string): WarningView {
  return {
    id,
    kind: 'deadlock',
    sourceId: 's',
    atMs,
    message: id,
    cycle: [
      { waiter: { chainId: 1, owner: { tool: tools[0] }, mode: 'write' }, resource: 'account:fees', holderChainId: 2 },
      { waiter: { chainId: 2, owner: { tool: tools[1] }, mode: 'write' }, resource: account, holderChainId: 1 },
    ],
  };
}

test('the same deadlock between the same tools on other accounts is one group, newest first', () => {
  const groups = groupWarnings([
    deadlock('d3', 300, ['charge_fee', 'refund_fee'], 'account:bob'),
    deadlock('d2', 200, ['transfer', 'transfer'], 'account:alice'),
    deadlock('d1', 100, ['refund_fee', 'charge_fee'], 'account:erin'),
  ]);
  assert.deepEqual(
    groups.map((group) => [group.latest.id, group.count]),
    [
      ['d3', 2],
      ['d2', 1],
    ],
  );
});

test('different kinds never share a group', () => {
  const longHold: WarningView = { id: 'h', kind: 'longHold', sourceId: 's', atMs: 1, message: '', resource: 'account:fees', owner: { tool: 'charge_fee' }, heldMs: 300 };
  const storm: WarningView = { id: 't', kind: 'timeoutStorm', sourceId: 's', atMs: 1, message: '', resource: 'account:fees', timeouts: 5, windowMs: 10_000 };
  assert.equal(groupWarnings([longHold, storm, deadlock('d', 1, ['charge_fee', 'refund_fee'], 'account:fees')]).length, 3);
});

test('a group counts how often its warnings happened, so the card agrees with the deadlock total', () => {
  const groups = groupWarnings([
    { ...deadlock('d2', 200, ['charge_fee', 'refund_fee'], 'account:bob'), occurrences: 40 },
    { ...deadlock('d1', 100, ['refund_fee', 'charge_fee'], 'account:erin'), occurrences: 18 },
  ]);
  assert.deepEqual(groups.map((group) => group.count), [58]);
});

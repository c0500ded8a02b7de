import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { leaseLostHeadline, lostUpdateHeadline } from '../../../extension/contract/describe';
import type { WarningView } from '../../../extension/contract/inspectorSnapshot';
import { groupWarnings, warningHeadline } from '../../../webview/sidebar/warningGroups';
import { LockEventFactory } from '../../support/lockEvents';

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

const base = { sourceId: 's', atMs: 1000, message: 'the full message' };

test("a lost update's card says it in describe.ts's words", () => {
  const event = new LockEventFactory().lostUpdate('/srv/items.json', 3, 1000, { tool: 'add_item', requestId: 3 }, { tool: 'add_item', requestId: 4 });
  const [, title, gist] = warningHeadline({ ...base, id: 'l', kind: 'lostUpdate', event });
  assert.equal(title, 'Lost update');
  assert.equal(gist, lostUpdateHeadline(event));
});

test("a lost lease's card says it in describe.ts's words, and one without an owner is not named 'chain 0'", () => {
  const owner = { tool: 'transfer', requestId: 4, replica: 'r2' };
  const leaseLost = (warningOwner?: typeof owner): WarningView => ({ ...base, id: 'x', kind: 'leaseLost', resource: 'account:A', owner: warningOwner, heldMs: 4000, leaseMs: 3000 });
  assert.equal(warningHeadline(leaseLost(owner))[2], "Lease lost: transfer #4 on replica 'r2' held 'account:A' past its lease");
  assert.equal(warningHeadline(leaseLost(owner))[2], leaseLostHeadline({ owner }, 'account:A'));
  assert.equal(warningHeadline(leaseLost())[2], "Lease lost: unknown owner held 'account:A' past its lease");
});

test("a long hold's card without an owner is not named 'chain 0'", () => {
  const [, , gist] = warningHeadline({ ...base, id: 'h', kind: 'longHold', resource: 'account:A', heldMs: 6000 });
  assert.doesNotMatch(gist, /chain 0/);
  assert.match(gist, /^unknown owner held account:A for 6 s$/);
});

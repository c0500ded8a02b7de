import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { LockSite } from '../../../../extension/host/codeLens/analyzeSource';
import { warningsAtSites } from '../../../../extension/host/codeLens/lockSiteWarnings';
import type { WarningView } from '../../../../extension/contract/inspectorSnapshot';

const fileName = '/projects/bank/server/fees.ts';

/** A site from `startLine` to `endLine`, 1-based like the locations the lock library reports. */
function site(patterns: string[], startLine: number, endLine: number, tool?: string): LockSite {
  return { method: 'withLock', resourcePatterns: patterns, range: { start: { line: startLine - 1, character: 4 }, end: { line: endLine - 1, character: 8 } }, ...(tool && { tool }) };
}

// charge_fee takes account:* (lines 10-20) then account:fees inside it (13-18); refund_fee the opposite order.
const chargeOuter = site(['account:*'], 10, 20, 'charge_fee');
const chargeInner = site(['account:fees'], 13, 18, 'charge_fee');
const refundOuter = site(['account:fees'], 30, 40, 'refund_fee');
const refundInner = site(['account:*'], 33, 38, 'refund_fee');
const sites = [chargeOuter, chargeInner, refundOuter, refundInner];

const orderSite = { chainId: 1, atMs: 0 };

describe('warningsAtSites', () => {
  it('puts an inversion at the innermost site of each captured location, linking to the other', () => {
    const inversion: WarningView = {
      id: 'inversion:1', kind: 'inversion', sourceId: 's1', atMs: 5, message: 'account:alice and account:fees taken in opposite orders',
      earlier: { ...orderSite, first: 'account:alice', second: 'account:fees', location: `${fileName}:13:20` },
      later: { ...orderSite, first: 'account:fees', second: 'account:alice', location: `${pathToFileURL(fileName).href}:33:22` },
    };
    const warnings = warningsAtSites(fileName, sites, [inversion]);
    assert.deepEqual(warnings.map((warning) => [warning.site, warning.kind, warning.otherLocation?.line]), [
      [chargeInner, 'inversion', 33],
      [refundInner, 'inversion', 13],
    ]);
    assert.equal(warnings[1]!.otherLocation!.path, fileName, 'file: URLs become paths');
    assert.deepEqual(warnings[0]!.timelineFilter, { tool: 'charge_fee', resource: 'account:fees' });
  });

  it('puts a coarse-lock advice at the sites that take the resource, a tool\'s budget at its first lock site, and no read-only hint at a lock site', () => {
    const advice = (id: string, about: { resource: string } | { tool: string }, kind: 'granularity' | 'timeoutBudget' | 'readOnlyHint'): WarningView => ({ id, kind: 'advice', advice: kind, sourceId: 's1', atMs: 5, message: id, ...about });
    const warnings = warningsAtSites(fileName, sites, [
      advice('coarse', { resource: 'account:fees' }, 'granularity'),
      advice('budget', { tool: 'refund_fee' }, 'timeoutBudget'),
      advice('read-only', { tool: 'charge_fee' }, 'readOnlyHint'),
    ]);
    assert.deepEqual(warnings.map((warning) => [warning.site, warning.kind, warning.message]), [
      [chargeInner, 'advice', 'coarse'],
      [refundOuter, 'advice', 'coarse'],
    ]);
    assert.equal(warnings[1]!.warnings, 2, 'refund_fee\'s first site carries both advices');
  });

  it('ignores locations in other files and locations it cannot parse', () => {
    const inversion: WarningView = {
      id: 'inversion:2', kind: 'inversion', sourceId: 's1', atMs: 5, message: 'opposite orders',
      earlier: { ...orderSite, first: 'a', second: 'b', location: '/elsewhere/other.ts:13:20' },
      later: { ...orderSite, first: 'b', second: 'a', location: 'not a location' },
    };
    assert.deepEqual(warningsAtSites(fileName, sites, [inversion]), []);
  });

  it("puts a long hold at the sites matching the resource in the holder's tool, counting repeats once per site", () => {
    const longHold = (id: string, resource: string, tool: string): WarningView => ({
      id, kind: 'longHold', sourceId: 's1', atMs: 1, message: `${resource} held 2.0 s by ${tool}`, resource, owner: { tool }, heldMs: 2000,
    });
    const warnings = warningsAtSites(fileName, sites, [longHold('h2', 'account:alice', 'charge_fee'), longHold('h1', 'account:bob', 'charge_fee')]);
    assert.equal(warnings.length, 1);
    assert.equal(warnings[0]!.site, chargeOuter);
    assert.equal(warnings[0]!.warnings, 2);
    assert.equal(warnings[0]!.message, 'account:alice held 2.0 s by charge_fee', 'the newest message');
  });

  it('puts a deadlock at the sites of each waiter on the cycle, and a timeout storm at the most specific matching sites', () => {
    const deadlock: WarningView = {
      id: 'd1', kind: 'deadlock', sourceId: 's1', atMs: 1, message: 'deadlock',
      cycle: [
        { waiter: { chainId: 1, mode: 'write', owner: { tool: 'charge_fee' } }, resource: 'account:fees', holderChainId: 2 },
        { waiter: { chainId: 2, mode: 'write', owner: { tool: 'refund_fee' } }, resource: 'account:alice', holderChainId: 1 },
      ],
    };
    assert.deepEqual(warningsAtSites(fileName, sites, [deadlock]).map((warning) => warning.site), [chargeInner, refundInner]);
    const storm: WarningView = { id: 't1', kind: 'timeoutStorm', sourceId: 's1', atMs: 1, message: 'storm', resource: 'account:fees', timeouts: 5, windowMs: 10_000 };
    assert.deepEqual(warningsAtSites(fileName, sites, [storm]).map((warning) => warning.site), [chargeInner, refundOuter]);
  });
});

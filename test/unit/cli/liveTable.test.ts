import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderLiveTable, renderSummary } from '../../../extension/cli/liveTable';
import type { LockLongHoldEvent } from '../../../extension/contract/lockEvents';
import { InspectorModel } from '../../../extension/inspector/inspectorModel';
import { LockEventFactory } from '../../support/lockEvents';

function busyModel(resources = 1) {
  const model = new InspectorModel();
  model.addSource({ id: 's1', label: 'bundled server', kind: 'launched', pid: 42, connectedAtMs: 0 });
  const make = new LockEventFactory();
  model.ingest('s1', [
    make.callStarted({ tool: 'transfer', requestId: 1 }, 0),
    make.acquired('account:alice', 1, 1000, 0, { tool: 'transfer', requestId: 1 }),
    ...[2, 3, 4, 5].map((chainId) => make.requested('account:alice', chainId, 1000 + chainId, { tool: 'deposit', requestId: chainId })),
    make.timeout('account:bob', 9, 1100, 5000, { tool: 'audit', requestId: 9 }),
    make.deadlock('account:fees', 7, 'account:alice', 1, 1200, { tool: 'charge_fee', requestId: 7 }, { tool: 'transfer', requestId: 1 }),
    ...Array.from({ length: resources - 1 }, (_, index) => make.acquired(`extra:${index}`, 100 + index, 1300, 0)),
  ]);
  return model;
}

describe('renderLiveTable', () => {
  it('shows busy resources with holder, time held, queue depth and waiters; tools with p95; warnings', () => {
    const snapshot = { ...busyModel().snapshot(), atMs: 1250 };
    const text = renderLiveTable(snapshot, { title: 'MCP Lock Inspector', columns: 200, rows: 50 }).join('\n');
    assert.match(text, /sources: bundled server \(launched, pid 42, connected\)/);
    assert.match(text, /held 1 {2}waiting 4 {2}timeouts 1 {2}deadlocks 1/);
    assert.match(text, /account:alice\s+transfer #1\s+250 ms\s+4\s+deposit #2, deposit #3, deposit #4, \+1/);
    assert.match(text, /^audit\s+0\s+0\s+-\s+-\s+-\s+1\s+0\s+0$/m);
    assert.match(text, /deadlock\s+Deadlock averted: charge_fee #7 asked for 'account:fees'/);
  });

  it('fits the terminal: lines cut to its width, extra busy resources summarised', () => {
    const lines = renderLiveTable(busyModel(200).snapshot(), { title: 'x', columns: 60, rows: 30 });
    assert.ok(lines.every((line) => line.length <= 60));
    assert.ok(lines.some((line) => /^\.\.\. and \d+ more busy resources$/.test(line)));
    assert.ok(lines.length <= 40);
  });

  it('shows replicas merged: one row per resource, each party on its replica, a gone replica\'s hold with its lease running out', () => {
    let nowMs = 2000;
    const model = new InspectorModel({ clock: { now: () => nowMs, setTimeout: () => undefined, clearTimeout: () => undefined } });
    for (const replica of ['r1', 'r2']) model.addSource({ id: replica, label: `replica '${replica}'`, kind: 'external', pid: 7, connectedAtMs: 0, replica, leaseMs: 10_000 });
    const make = new LockEventFactory();
    model.ingest('r1', [make.acquired('account:alice', 1, 1000, 0, { tool: 'transfer', requestId: 1 })]);
    model.ingest('r2', [make.requested('account:alice', 1, 1010, { tool: 'audit', requestId: 7 })]);
    model.disconnectSource('r1');
    nowMs = 8000;
    const lines = renderLiveTable(model.snapshot(), { title: 'x', columns: 200, rows: 40 });
    const rows = lines.filter((line) => line.includes('account:alice'));
    assert.equal(rows.length, 1, 'one row over both replicas');
    assert.match(rows[0] ?? '', /^replicas: account:alice\s+transfer #1 on replica 'r1' \(gone, lease ends in ≤ 4 s\)\s+7 s\s+1\s+audit #7 on replica 'r2'$/);
  });

  it('says so when nothing is busy yet', () => {
    const text = renderLiveTable(new InspectorModel().snapshot(), { title: 'x', columns: 80, rows: 30 }).join('\n');
    assert.match(text, /sources: none connected yet/);
    assert.match(text, /\(no lock is held or awaited right now\)/);
    assert.match(text, /\(no tool calls yet\)/);
  });
});

describe('renderSummary', () => {
  it('lists the callers (client and connection, session or trace) with their calls, wait p95 and failures', () => {
    const model = new InspectorModel();
    const make = new LockEventFactory();
    const owner = (requestId: number) => ({ tool: 'transfer', requestId, caller: 'vscode/1.101.0', connectionId: '2' });
    model.ingest('s1', [make.callStarted(owner(1), 0), make.acquired('account:alice', 1, 10, 10, owner(1)), make.callStarted({ tool: 'audit', requestId: 2, sessionId: 'c0ffee' }, 5)]);
    const text = renderSummary(model.snapshot()).join('\n');
    assert.match(text, /^CALLER\s+CALLS\s+WAIT p95\s+TIMEOUTS\s+DEADLOCKS$/m);
    assert.match(text, /^vscode\/1\.101\.0 · connection 2\s+1\s+10 ms\s+0\s+0$/m);
    assert.match(text, /^session c0ffee\s+1\s+-\s+0\s+0$/m);
  });

  it('lists totals, per-tool figures, the most contended resources and every warning', () => {
    const text = renderSummary(busyModel().snapshot()).join('\n');
    assert.match(text, /^TOOL\s+CALLS\s+ERRORS\s+WAIT p50/m);
    assert.match(text, /^transfer\s+1\s+0\s/m);
    assert.match(text, /Warnings \(1, newest first\):/);
  });

  it('says which call a long hold was awaiting, with its share of the hold', () => {
    const model = new InspectorModel();
    model.addSource({ id: 's1', label: 'bundled server', kind: 'launched', pid: 42, connectedAtMs: 0 });
    const make = new LockEventFactory();
    const owner = { tool: 'convert', requestId: 4 };
    const slowCall = { location: 'src/rates.ts:8:10', awaitedMs: 1400, frames: ['fetchRates (src/rates.ts:8:10)', 'convert (src/tools.ts:31:22)'] };
    model.ingest('s1', [make.callStarted(owner, 0), make.acquired('rates', 1, 0, 0, owner), { ...(make.longHold('rates', 1, 1500, 1500, owner) as LockLongHoldEvent), slowCall }]);
    assert.match(renderSummary(model.snapshot()).join('\n'), /convert #4 has held 'rates' for 1\.5 s \(threshold 1 s\), 1\.4 s of it \(93%\) awaiting fetchRates \(src\/rates\.ts:8:10\), called from convert/);
  });
});

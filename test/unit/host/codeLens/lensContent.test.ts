import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LockSite, ToolRegistration } from '../../../../extension/host/codeLens/analyzeSource';
import { COMMANDS } from '../../../../extension/host/commands/commandIds';
import { lockSiteLenses, toolLenses } from '../../../../extension/host/codeLens/lensContent';
import type { DurationStats, InspectorSnapshot, ResourceView, SourceInfo, ToolView } from '../../../../extension/contract/inspectorSnapshot';

const range = { start: { line: 10, character: 9 }, end: { line: 20, character: 3 } };
const noStats: DurationStats = { count: 0, p50: 0, p95: 0, max: 0 };

function snapshotWith(parts: { connected?: boolean; tools?: ToolView[]; resources?: ResourceView[] }): InspectorSnapshot {
  const source: SourceInfo = {
    id: 's1', label: 'bundled server', kind: 'launched', pid: 1, connected: true, connectedAtMs: 0, eventsReceived: 0, eventsDroppedBySource: 0, linesRejected: 0, partiesRefused: 0,
  };
  return {
    atMs: 0,
    sources: parts.connected ? [source] : [],
    resources: parts.resources ?? [],
    tools: parts.tools ?? [],
    warnings: [],
    totals: { held: 0, waiting: 0, timeouts: 0, deadlocks: 0, events: 0, linesRejected: 0 },
  };
}

function toolView(fields: Partial<ToolView> & { tool: string }): ToolView {
  return { calls: 0, active: 0, errors: 0, timeouts: 0, deadlocks: 0, lostUpdates: 0, wait: noStats, hold: noStats, holding: [], ...fields };
}

function resourceView(id: string, fields: Partial<ResourceView> = {}): ResourceView {
  return { key: `s1\u0000${id}`, sourceId: 's1', id, holders: [], waiters: [], acquisitions: 1, timeouts: 0, aborts: 0, deadlocks: 0, wait: noStats, hold: noStats, ...fields };
}

const transfer: ToolRegistration = { tool: 'transfer', kind: 'registerTool', range, sampleArguments: { from: 'alice', to: 'bob', amount: 1 } };

describe('toolLenses', () => {
  it('before any call and with no server: start the server, or fire 20 parallel calls with the sample arguments', () => {
    const lenses = toolLenses(transfer, snapshotWith({}));
    assert.deepEqual(lenses.map((lens) => lens.title), ['▶ Start server', 'Fire 20 parallel calls']);
    assert.equal(lenses[0]!.command, COMMANDS.startServer);
    assert.equal(lenses[1]!.command, COMMANDS.runParallelCalls);
    assert.deepEqual(lenses[1]!.arguments, [{ tool: 'transfer', arguments: { from: 'alice', to: 'bob', amount: 1 }, count: 20, concurrency: 10 }]);
    assert.deepEqual(lenses[0]!.range, range);
  });

  it('adds the contention on the locks the handler reaches through methods it calls (manager.createEntities() into graph:*)', () => {
    const createEntities: ToolRegistration = { tool: 'create_entities', kind: 'registerTool', range, reachedLockPatterns: ['graph:*', 'audit-log'] };
    const resources = [resourceView('graph:memory.json', { holders: [{ chainId: 1, mode: 'write', sinceMs: 0 }], waiters: [{ chainId: 2, mode: 'write', sinceMs: 0 }] })];
    const lenses = toolLenses(createEntities, snapshotWith({ connected: true, resources }));
    assert.deepEqual(lenses.map((lens) => lens.title), [
      'create_entities · no calls yet',
      'Fire 20 parallel calls',
      '$(lock) graph:* + audit-log · graph:memory.json · 1 held · queue 1 now · 0 timeouts',
    ]);
    assert.deepEqual(lenses[2]!.range, range, 'on the registration');
    assert.deepEqual(lenses[2]!.arguments, [{ resource: 'graph:' }]);
    assert.deepEqual(toolLenses(createEntities, snapshotWith({})).map((lens) => lens.title), ['▶ Start server', 'Fire 20 parallel calls'], 'nothing to say before a server reports');
  });

  it('fires with {} when the schema could not be read', () => {
    const [, fire] = toolLenses({ tool: 'audit', kind: 'tool', range }, snapshotWith({}));
    assert.deepEqual(fire!.arguments, [{ tool: 'audit', arguments: {}, count: 20, concurrency: 10 }]);
  });

  it('with a server but no call yet, says so instead of offering to start it', () => {
    assert.deepEqual(toolLenses(transfer, snapshotWith({ connected: true })).map((lens) => lens.title), ['transfer · no calls yet', 'Fire 20 parallel calls']);
  });

  it('once called, shows live figures and opens the timeline filtered to the tool', () => {
    const view = toolView({
      tool: 'transfer', calls: 42, timeouts: 2, wait: { count: 40, p50: 3, p95: 12, max: 30 }, hold: { count: 40, p50: 1, p95: 3.14, max: 9 }, holding: ['account:alice'],
    });
    const [live] = toolLenses(transfer, snapshotWith({ connected: true, tools: [view] }));
    assert.equal(live!.title, 'transfer · 42 calls · wait p95 12 ms · hold p95 3.1 ms · 2 timeouts · holding account:alice');
    assert.equal(live!.command, COMMANDS.showTimeline);
    assert.deepEqual(live!.arguments, [{ tool: 'transfer' }]);
  });

  it('keeps live figures after the server went away, counts running calls and shortens long holding lists', () => {
    const view = toolView({ tool: 'transfer', calls: 1, active: 3, deadlocks: 1, errors: 1, holding: ['account:a', 'account:b', 'account:c'] });
    const [live] = toolLenses(transfer, snapshotWith({ tools: [view] }));
    assert.equal(live!.title, 'transfer · 1 call · 3 running · 1 deadlock · 1 error · holding account:a, account:b +1');
  });

  it('sums every tool for a tools/call handler whose names are not literal', () => {
    const tools = [toolView({ tool: 'a', calls: 2 }), toolView({ tool: 'b', calls: 3, timeouts: 1 })];
    const [lens] = toolLenses({ kind: 'callToolHandler', range }, snapshotWith({ connected: true, tools }));
    assert.equal(lens!.title, 'tools/call · 5 calls · 2 tools · 1 timeout');
    assert.equal(toolLenses({ kind: 'callToolHandler', range }, snapshotWith({}))[0]!.title, '▶ Start server');
  });
});

describe('lockSiteLenses', () => {
  const site: LockSite = { method: 'withLock', resourcePatterns: ['account:*'], range, tool: 'transfer' };

  it('shows nothing while no server reports', () => {
    assert.deepEqual(lockSiteLenses(site, snapshotWith({}), 0), []);
  });

  it('says the pattern was not taken yet when a server reports but no resource matches', () => {
    const [lens] = lockSiteLenses(site, snapshotWith({ connected: true, resources: [resourceView('counter:x')] }), 0);
    assert.equal(lens!.title, '$(lock) account:* · not taken yet');
    assert.deepEqual(lens!.arguments, [{ resource: 'account:' }]);
  });

  it('sums queue depth and timeouts over the matching resources, with the worst wait p95 and the warnings', () => {
    const resources = [
      resourceView('account:alice', { holders: [{ chainId: 1, mode: 'write', sinceMs: 0 }], waiters: [{ chainId: 2, mode: 'write', sinceMs: 0 }, { chainId: 3, mode: 'write', sinceMs: 0 }], timeouts: 2, wait: { count: 5, p50: 1, p95: 40, max: 50 } }),
      resourceView('account:bob', { timeouts: 1, wait: { count: 5, p50: 1, p95: 7, max: 9 } }),
      resourceView('counter:alice', { waiters: [{ chainId: 4, mode: 'write', sinceMs: 0 }], timeouts: 9 }),
    ];
    const [lens] = lockSiteLenses(site, snapshotWith({ connected: true, resources }), 2);
    assert.equal(lens!.title, '$(lock) account:* · 2 resources · 1 held · queue 2 now · 3 timeouts · wait p95 40 ms (worst) · $(warning) 2 warnings');
  });

  it('names the one resource a pattern matched, but does not repeat a literal id', () => {
    const [literal] = lockSiteLenses({ ...site, resourcePatterns: ['account:fees'] }, snapshotWith({ resources: [resourceView('account:fees')] }), 0);
    assert.equal(literal!.title, '$(lock) account:fees · queue 0 now · 0 timeouts');
    const [pattern] = lockSiteLenses(site, snapshotWith({ resources: [resourceView('account:fees')] }), 0);
    assert.equal(pattern!.title, '$(lock) account:* · account:fees · queue 0 now · 0 timeouts');
  });
});

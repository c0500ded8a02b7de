import * as assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import * as vscode from 'vscode';
import type { LockInspectorApi } from '../../../extension/host/api';
import type { ParallelCallsOutcome } from '../../../extension/host/client/parallelToolCalls';
import type { DebugServerInfo } from '../../../extension/host/debug/debugServer';
import type { ChromeTrace } from '../../../extension/inspector/traceExport';
import type { ServerInfo } from '../../../extension/host/lifecycle/serverManager';
import { connectedSource, connectWhenListening, lockInspectorApi, recordEvents, waitFor } from './lockInspectorTestKit';

describe('commands', function () {
  this.timeout(60_000);
  let api: LockInspectorApi;

  before(async () => {
    api = await lockInspectorApi();
    await vscode.commands.executeCommand('lockInspector.stopServer');
  });

  after(() => vscode.commands.executeCommand('lockInspector.stopServer'));

  it('runParallelCalls without a running server resolves undefined instead of failing', async () => {
    const outcome = await vscode.commands.executeCommand('lockInspector.runParallelCalls', { tool: 'deposit', arguments: { account: 'a', amount: 1 } });
    assert.equal(outcome, undefined);
    assert.equal(api.serverInfo().state, 'stopped', 'asking is not starting');
  });

  it('rejects malformed arguments with a message that says what to change', async () => {
    await assert.rejects(run('lockInspector.runParallelCalls', { tool: 'deposit', count: 0 }), /count must be a whole number/);
    await assert.rejects(run('lockInspector.runParallelCalls', { arguments: {} }), /tool name/);
    await assert.rejects(run('lockInspector.exportTrace', { file: 'x.json' }), /exportTrace takes \{ path/);
    await assert.rejects(run('lockInspector.debugServer', { port: 'x' }), /debugServer takes \{ port/);
  });

  it('counts failed tool calls as errors, grouped by code', async () => {
    const info = await vscode.commands.executeCommand<ServerInfo>('lockInspector.startServer');
    assert.equal(info.state, 'running', info.error);
    const outcome = await vscode.commands.executeCommand<ParallelCallsOutcome>('lockInspector.runParallelCalls', {
      tool: 'withdraw',
      arguments: { account: 'nobody', amount: 1 },
      count: 3,
      concurrency: 3,
    });
    assert.deepEqual([outcome.ok, outcome.errors, outcome.cancelled], [0, 3, 0]);
    assert.equal(Object.values(outcome.byErrorCode).reduce((sum, count) => sum + count, 0), 3, JSON.stringify(outcome.byErrorCode));
  });

  it('exports the history as a Chrome trace that parses, and returns its path', async () => {
    await vscode.commands.executeCommand('lockInspector.runParallelCalls', { tool: 'deposit', arguments: { account: 'bob', amount: 2 }, count: 8, concurrency: 4 });
    await waitFor(api, 'the deposits to reach the model', () => api.snapshot().tools.find((tool) => tool.tool === 'deposit' && tool.calls >= 8));
    const target = join(tmpdir(), `lock-trace-${process.pid}-${Date.now()}.json`);
    try {
      const written = await vscode.commands.executeCommand<string>('lockInspector.exportTrace', { path: target });
      assert.equal(written, target);
      const trace = JSON.parse(readFileSync(target, 'utf8')) as ChromeTrace;
      assert.ok(trace.otherData.events > 0);
      const processNames = trace.traceEvents.filter((event) => event.name === 'process_name').map((event) => String(event.args?.name));
      assert.ok(processNames.some((name) => name.includes('bundled server')), JSON.stringify(processNames));
      const slices = trace.traceEvents.filter((event) => event.ph === 'X');
      assert.ok(slices.some((slice) => slice.name.includes('deposit') && (slice.dur ?? 0) >= 0), 'a slice names the deposit call');
    } finally {
      rmSync(target, { force: true });
    }
  });

  it('clears the history', async () => {
    const info = await vscode.commands.executeCommand<ServerInfo>('lockInspector.startServer');
    assert.equal(info.state, 'running', info.error);
    const depositsBefore = api.snapshot().tools.find((tool) => tool.tool === 'deposit')?.calls ?? 0;
    await vscode.commands.executeCommand('lockInspector.runParallelCalls', { tool: 'deposit', arguments: { account: 'carol', amount: 1 }, count: 4, concurrency: 2 });
    await waitFor(api, 'the deposits to reach the model', () => api.snapshot().tools.find((tool) => tool.tool === 'deposit' && tool.calls >= depositsBefore + 4));
    const recorded = api.snapshot().totals.events;
    const { clearedEvents } = await vscode.commands.executeCommand<{ clearedEvents: number }>('lockInspector.clearHistory');
    assert.ok(clearedEvents >= recorded && recorded > 0, `cleared ${clearedEvents} events of the ${recorded} recorded`);
    await waitFor(api, 'the cleared model', () => api.snapshot().totals.events === 0 && api.snapshot().tools.every((tool) => tool.calls === tool.active));
  });

  it('shows the lock timeline', async () => {
    await vscode.commands.executeCommand('lockInspector.showTimeline', { tool: 'deposit' });
    const timelineTab = () =>
      vscode.window.tabGroups.all
        .flatMap((group) => group.tabs)
        .find((tab) => tab.input instanceof vscode.TabInputWebview && tab.input.viewType.endsWith('lockInspector.timeline'));
    await waitFor(api, 'the timeline tab', () => timelineTab());
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('debugs the server under the Node debugger; its calls reach the model as a debug source', async () => {
    const recording = recordEvents(api);
    const info = await vscode.commands.executeCommand<DebugServerInfo>('lockInspector.debugServer');
    assert.ok(info, 'the debug session started');
    const session = vscode.debug.activeDebugSession;
    try {
      const source = await waitFor(api, 'the debugged server to connect', () => connectedSource(api.snapshot(), 'debug'), 30_000);
      assert.equal(source.label, info.sessionName);
      const client = new Client({ name: 'debug-test', version: '0' });
      await connectWhenListening(client, new URL(info.url));
      await Promise.all(Array.from({ length: 4 }, () => client.callTool({ name: 'deposit', arguments: { account: 'dora', amount: 1 } })));
      await client.close();
      await waitFor(api, 'the debug source to report the calls', () =>
        recording.events.filter((event) => event.sourceId === source.id && event.type === 'callStarted' && event.owner.tool === 'deposit').length >= 4,
      );
    } finally {
      recording.dispose();
      if (session) await vscode.debug.stopDebugging(session);
    }
    await waitFor(api, 'the debug source to disconnect', () => !connectedSource(api.snapshot(), 'debug'), 15_000);
  });
});

/** Runs a command as a real Promise, which assert.rejects needs. */
function run(command: string, ...args: unknown[]): Promise<unknown> {
  return Promise.resolve(vscode.commands.executeCommand(command, ...args));
}

import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { LockInspectorApi } from '../../../extension/host/api';
import type { ParallelCallsOutcome } from '../../../extension/host/client/parallelToolCalls';
import type { ServerInfo } from '../../../extension/host/lifecycle/serverManager';
import type { SourcedEvent } from '../../../extension/contract/inspectorSnapshot';
import { connectedSource, isRunning, lockInspectorApi, recordEvents, useSetting, waitFor } from './lockInspectorTestKit';

type CallStarted = Extract<SourcedEvent, { type: 'callStarted' }>;
type Acquired = Extract<SourcedEvent, { type: 'acquired' }>;

describe('launched server', function () {
  this.timeout(60_000);
  let api: LockInspectorApi;
  let restoreLatency: () => Promise<void>;

  before(async () => {
    api = await lockInspectorApi();
    // Storage latency makes the deposits to one account overlap, so some must wait.
    restoreLatency = await useSetting('lockInspector.server', 'latencyMs', 25);
  });

  after(async () => {
    await vscode.commands.executeCommand('lockInspector.stopServer');
    await restoreLatency();
  });

  it('starts by command and connects to the inspector as a launched source', async () => {
    const info = await vscode.commands.executeCommand<ServerInfo>('lockInspector.startServer');
    assert.equal(info.state, 'running', info.error);
    assert.ok(info.pid && isRunning(info.pid));
    assert.deepEqual(api.serverInfo(), info);
    const source = await waitFor(api, 'the launched server to connect', () => connectedSource(api.snapshot(), 'launched', info.pid));
    assert.equal(source.label, 'bundled server');
  });

  it('runs parallel tool calls, and the model receives their lock events with the right owners', async () => {
    const { pid } = api.serverInfo();
    const source = connectedSource(api.snapshot(), 'launched', pid)!;
    const recording = recordEvents(api);
    try {
      const outcome = await vscode.commands.executeCommand<ParallelCallsOutcome>('lockInspector.runParallelCalls', {
        tool: 'deposit',
        arguments: { account: 'alice', amount: 1 },
        count: 12,
        concurrency: 6,
      });
      assert.deepEqual([outcome.ok, outcome.errors, outcome.cancelled], [12, 0, 0], JSON.stringify(outcome));

      const fromServer = (event: SourcedEvent) => event.sourceId === source.id;
      const callsStarted = () => recording.events.filter((event): event is CallStarted => fromServer(event) && event.type === 'callStarted');
      await waitFor(api, '12 callStarted events', () => callsStarted().length >= 12);
      const owners = callsStarted().map((event) => event.owner);
      assert.ok(owners.every((owner) => owner.tool === 'deposit' && owner.sessionId === 'stdio'), JSON.stringify(owners));
      assert.equal(new Set(owners.map((owner) => owner.requestId)).size, 12, 'each call has its own request id');

      const acquired = await waitFor(api, '12 acquisitions of account:alice', () => {
        const found = recording.events.filter((event): event is Acquired => fromServer(event) && event.type === 'acquired' && event.resource === 'account:alice');
        return found.length >= 12 && found;
      });
      assert.ok(acquired.every((event) => event.owner?.tool === 'deposit'), 'the lock owner is the tool call');
      assert.ok(acquired.some((event) => event.waitedMs > 0), 'concurrent deposits to one account wait for each other');

      const tool = api.snapshot().tools.find((view) => view.tool === 'deposit');
      assert.ok(tool && tool.calls >= 12, JSON.stringify(tool));
    } finally {
      recording.dispose();
    }
  });

  it('stops without leaving the process behind', async () => {
    const { pid } = api.serverInfo();
    assert.ok(pid);
    const info = await vscode.commands.executeCommand<ServerInfo>('lockInspector.stopServer');
    assert.equal(info.state, 'stopped');
    assert.equal(info.pid, undefined);
    assert.throws(() => process.kill(pid, 0), /ESRCH/, `pid ${pid} is still running`);
    await waitFor(api, 'the source to disconnect', () => !connectedSource(api.snapshot(), 'launched', pid));
  });

  it('notices a kill -9 as a crash with its signal, and restarts', async () => {
    const started = await vscode.commands.executeCommand<ServerInfo>('lockInspector.startServer');
    assert.equal(started.state, 'running', started.error);
    process.kill(started.pid!, 'SIGKILL');
    const crashed = await waitFor(api, 'the crash to be noticed', () => api.serverInfo().state === 'crashed' && api.serverInfo());
    assert.match(crashed.error ?? '', /signal SIGKILL/);
    assert.equal(isRunning(started.pid!), false);

    const restarted = await vscode.commands.executeCommand<ServerInfo>('lockInspector.restartServer');
    assert.equal(restarted.state, 'running', restarted.error);
    assert.notEqual(restarted.pid, started.pid);
    await waitFor(api, 'the restarted server to connect', () => connectedSource(api.snapshot(), 'launched', restarted.pid));
    const outcome = await vscode.commands.executeCommand<ParallelCallsOutcome>('lockInspector.runParallelCalls', {
      tool: 'get_balance',
      arguments: { account: 'alice' },
      count: 4,
      concurrency: 4,
    });
    // The bundled server keeps balances in memory: alice is gone with the killed process.
    assert.equal(outcome.ok + outcome.errors, 4, JSON.stringify(outcome));
  });
});

import * as assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { LockInspectorApi } from '../../../extension/host/api';
import type { InspectorSnapshot } from '../../../extension/contract/inspectorSnapshot';
import type { OpenedRecording } from '../../../extension/host/commands/timeTravelCommands';
import { readRecording } from '../../../extension/inspector/recording';
import { lockInspectorApi, waitFor } from './lockInspectorTestKit';

describe('recordings', function () {
  this.timeout(60_000);
  let api: LockInspectorApi;
  const target = join(tmpdir(), `locks-${process.pid}-${Date.now()}.lockrec`);

  before(async () => {
    api = await lockInspectorApi();
  });

  after(async () => {
    rmSync(target, { force: true });
    rmSync(`${target}.damaged`, { force: true });
    await vscode.commands.executeCommand('lockInspector.showLive');
    await vscode.commands.executeCommand('lockInspector.stopServer');
  });

  it('saves the session to a .lockrec and opens it again in the sidebar and timeline', async () => {
    await vscode.commands.executeCommand('lockInspector.startServer');
    await vscode.commands.executeCommand('lockInspector.runParallelCalls', { tool: 'deposit', arguments: { account: 'carol', amount: 1 }, count: 6, concurrency: 6 });
    await waitFor(api, 'the deposits to reach the model', () => api.snapshot().tools.find((tool) => tool.tool === 'deposit' && tool.calls >= 6));
    const written = await vscode.commands.executeCommand<string>('lockInspector.saveRecording', { path: target });
    assert.equal(written, target);
    const saved = await readRecording(target);
    assert.ok(saved.events.some((event) => event.type === 'acquired' && event.resource === 'account:carol'), 'the recording holds the deposits');

    const opened = await vscode.commands.executeCommand<OpenedRecording>('lockInspector.openRecording', { path: target });
    assert.deepEqual([opened.events, opened.recordedAtMs], [saved.events.length, saved.header.recordedAtMs]);
    const timelineTab = () =>
      vscode.window.tabGroups.all.flatMap((group) => group.tabs).find((tab) => tab.input instanceof vscode.TabInputWebview && tab.input.viewType.endsWith('lockInspector.timeline'));
    await waitFor(api, 'the timeline showing the recording', () => timelineTab());
  });

  it('shows the state at an instant of the opened recording, and the latest again without one', async () => {
    const saved = await readRecording(target);
    const firstAcquire = saved.events.find((event) => event.type === 'acquired' && event.resource === 'account:carol');
    assert.ok(firstAcquire, 'the recording has an acquire of account:carol');
    const atAcquire = await vscode.commands.executeCommand<InspectorSnapshot>('lockInspector.showStateAt', { atMs: firstAcquire.atMs });
    assert.equal(atAcquire.atMs, firstAcquire.atMs);
    const carol = atAcquire.resources.find((resource) => resource.id === 'account:carol');
    assert.deepEqual(carol?.holders.map((holder) => holder.chainId), [firstAcquire.type === 'acquired' ? firstAcquire.chainId : -1], 'the first deposit holds carol then');
    const latest = await vscode.commands.executeCommand<InspectorSnapshot>('lockInspector.showStateAt');
    assert.equal(latest.atMs, saved.header.recordedAtMs, 'the recording at the moment it was saved');
    await assert.rejects(Promise.resolve(vscode.commands.executeCommand('lockInspector.showStateAt', { atMs: 'noon' })), /showStateAt takes \{ atMs/);
  });

  it('refuses a damaged recording, naming the file and line', async () => {
    writeFileSync(`${target}.damaged`, 'not gzip');
    await assert.rejects(Promise.resolve(vscode.commands.executeCommand('lockInspector.openRecording', { path: `${target}.damaged` })), /lockrec\.damaged is not a gzip-compressed \.lockrec recording/);
  });
});

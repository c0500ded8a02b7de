import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { LockInspectorApi } from '../../../extension/host/api';
import type { SourceInfo, SourcedEvent } from '../../../extension/contract/inspectorSnapshot';
import type { ServerInfo } from '../../../extension/host/lifecycle/serverManager';
import { lockInspectorExtensionId } from '../harness/lockInspectorExtension';
import { connectedSource, lockInspectorApi, recordEvents, useSetting, waitFor } from './lockInspectorTestKit';

// VS Code names a provided server `<extension id>/<label>`; the label is CHAT_SERVER_LABEL.
const CHAT_SERVER_ID = `${lockInspectorExtensionId}/Lock Inspector`;

type CallStarted = Extract<SourcedEvent, { type: 'callStarted' }>;
type Acquired = Extract<SourcedEvent, { type: 'acquired' }>;

/**
 * Starts the provided server through VS Code's MCP host and waits for it to report. VS Code learns of provided
 * servers asynchronously (and again after a settings change), so a start can come before it knows the id and do
 * nothing: ask again until the server connects.
 */
async function startChatServer(api: LockInspectorApi): Promise<SourceInfo> {
  for (let attempt = 1; ; attempt++) {
    await vscode.commands.executeCommand('workbench.mcp.startServer', CHAT_SERVER_ID, { waitForLiveTools: true });
    try {
      const source = await waitFor(api, `the chat agent server to connect (start ${attempt} of 6)`, () => connectedSource(api.snapshot(), 'chat'), 10_000);
      if (attempt > 1) console.log(`chat agent server connected after ${attempt} starts`);
      return source;
    } catch (error) {
      if (attempt === 6) throw error;
    }
  }
}

// What a chat agent does, without a model: VS Code's own MCP host starts the server our provider offers,
// and parallel vscode.lm.invokeTool calls go through it.
describe('chat agent path', function () {
  this.timeout(120_000);
  let api: LockInspectorApi;
  let restoreLatency: () => Promise<void>;

  before(async function () {
    if (!vscode.lm?.registerMcpServerDefinitionProvider) this.skip();
    api = await lockInspectorApi();
    restoreLatency = await useSetting('lockInspector.server', 'latencyMs', 25);
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.mcp.stopServer', CHAT_SERVER_ID);
    await vscode.commands.executeCommand('lockInspector.stopServer');
    await restoreLatency?.();
  });

  it('parallel invokeTool calls show up as a second source, a chat one, with the tool names as owners', async () => {
    const launched = await vscode.commands.executeCommand<ServerInfo>('lockInspector.startServer');
    assert.equal(launched.state, 'running', launched.error);
    await waitFor(api, 'the launched server to connect', () => connectedSource(api.snapshot(), 'launched', launched.pid));

    const chatSource = await startChatServer(api);
    assert.equal(chatSource.label, 'chat agent');
    assert.ok(connectedSource(api.snapshot(), 'launched', launched.pid), 'the launched server is still a source');

    const depositTool = await waitFor(api, 'the deposit tool in vscode.lm.tools', () =>
      vscode.lm.tools.find((tool) => tool.tags.includes('mcp') && tool.name.endsWith('_deposit')),
    );
    const recording = recordEvents(api);
    try {
      const results = await Promise.all(
        Array.from({ length: 5 }, () =>
          vscode.lm.invokeTool(depositTool.name, { input: { account: 'carol', amount: 1 }, toolInvocationToken: undefined }),
        ),
      );
      assert.equal(results.length, 5);

      const fromChat = (event: SourcedEvent) => event.sourceId === chatSource.id;
      const calls = await waitFor(api, 'five chat calls in the model', () => {
        const started = recording.events.filter((event): event is CallStarted => fromChat(event) && event.type === 'callStarted');
        return started.length >= 5 && started;
      });
      assert.ok(calls.every((event) => event.owner.tool === 'deposit'), JSON.stringify(calls.map((event) => event.owner)));
      assert.equal(new Set(calls.map((event) => event.owner.requestId)).size, 5);

      const acquired = await waitFor(api, 'five acquisitions of account:carol', () => {
        const found = recording.events.filter((event): event is Acquired => fromChat(event) && event.type === 'acquired' && event.resource === 'account:carol');
        return found.length >= 5 && found;
      });
      assert.ok(acquired.every((event) => event.owner?.tool === 'deposit'));
      assert.ok(acquired.some((event) => event.waitedMs > 0), 'the invocations ran in parallel, so some waited for the lock');
      assert.ok(!recording.events.some((event) => event.sourceId !== chatSource.id && event.type === 'acquired' && event.resource === 'account:carol'), 'nothing leaked into the other source');
    } finally {
      recording.dispose();
    }

    await vscode.commands.executeCommand('workbench.mcp.stopServer', CHAT_SERVER_ID);
    await waitFor(api, 'the chat source to disconnect', () => !connectedSource(api.snapshot(), 'chat'));
  });
});

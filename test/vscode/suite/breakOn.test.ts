import * as assert from 'node:assert/strict';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import * as vscode from 'vscode';
import type { DebugServerInfo } from '../../../extension/host/debug/debugServer';
import { connectWhenListening } from './lockInspectorTestKit';

interface DapStackFrame {
  readonly name: string;
  readonly source?: { readonly path?: string; readonly name?: string };
}

describe('break on contention (lockInspector.breakOn) under Debug Server', function () {
  this.timeout(90_000);
  const settings = () => vscode.workspace.getConfiguration('lockInspector');

  after(async () => {
    await settings().update('breakOn', undefined, vscode.ConfigurationTarget.Global);
    await vscode.workspace.getConfiguration('lockInspector.server').update('latencyMs', undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('lockInspector.stopServer');
  });

  it('pauses the debugged server in the stack of the handler whose lock request closed a deadlock', async () => {
    await settings().update('breakOn', ['deadlock'], vscode.ConfigurationTarget.Global);
    // Storage latency keeps charge_fee and refund_fee holding their first lock long enough to meet.
    await vscode.workspace.getConfiguration('lockInspector.server').update('latencyMs', 40, vscode.ConfigurationTarget.Global);
    const stopped = new Promise<vscode.DebugStackFrame>((resolve) => {
      const listener = vscode.debug.onDidChangeActiveStackItem((item) => {
        if (!(item instanceof vscode.DebugStackFrame)) return;
        listener.dispose();
        resolve(item);
      });
    });
    const info = await vscode.commands.executeCommand<DebugServerInfo>('lockInspector.debugServer');
    assert.ok(info, 'the debug session started');
    const session = vscode.debug.activeDebugSession;
    const client = new Client({ name: 'break-on-test', version: '0' });
    try {
      await connectWhenListening(client, new URL(info.url));
      await client.callTool({ name: 'deposit', arguments: { account: 'erin', amount: 10 } });
      await client.callTool({ name: 'deposit', arguments: { account: 'fees', amount: 10 } });
      const calls = [client.callTool({ name: 'charge_fee', arguments: { account: 'erin', amount: 1 } }), client.callTool({ name: 'refund_fee', arguments: { account: 'erin', amount: 1 } })];
      const frame = await Promise.race([stopped, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the debugger never paused')), 30_000))]);
      const trace = (await frame.session.customRequest('stackTrace', { threadId: frame.threadId, startFrame: 0, levels: 30 })) as { stackFrames: DapStackFrame[] };
      const described = trace.stackFrames.map((each) => `${each.name} (${each.source?.path ?? each.source?.name ?? '?'})`);
      assert.match(described[0] ?? '', /pauseOn .*breakOnContention\.ts/, described.join('\n'));
      assert.ok(described.some((each) => /createLockDemoServer\.ts/.test(each)), `a frame of the tool handler:\n${described.join('\n')}`);
      await frame.session.customRequest('continue', { threadId: frame.threadId });
      const outcomes = await Promise.allSettled(calls);
      assert.equal(outcomes.length, 2);
    } finally {
      await client.close().catch(() => {});
      if (session) await vscode.debug.stopDebugging(session);
    }
  });

  it('pauses a long holder in its own code when it resumes, not in the lock map\'s timer', async () => {
    await settings().update('breakOn', ['longHold'], vscode.ConfigurationTarget.Global);
    // Each storage read and write takes 1.2 s under the lock: past the server's 1 s long-hold threshold.
    await vscode.workspace.getConfiguration('lockInspector.server').update('latencyMs', 1200, vscode.ConfigurationTarget.Global);
    const stopped = new Promise<vscode.DebugStackFrame>((resolve) => {
      const listener = vscode.debug.onDidChangeActiveStackItem((item) => {
        if (!(item instanceof vscode.DebugStackFrame)) return;
        listener.dispose();
        resolve(item);
      });
    });
    const info = await vscode.commands.executeCommand<DebugServerInfo>('lockInspector.debugServer');
    assert.ok(info, 'the debug session started');
    const session = vscode.debug.activeDebugSession;
    const client = new Client({ name: 'break-on-test', version: '0' });
    try {
      await connectWhenListening(client, new URL(info.url));
      const deposit = client.callTool({ name: 'deposit', arguments: { account: 'frank', amount: 10 } });
      const frame = await Promise.race([stopped, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the debugger never paused')), 30_000))]);
      const trace = (await frame.session.customRequest('stackTrace', { threadId: frame.threadId, startFrame: 0, levels: 30 })) as { stackFrames: DapStackFrame[] };
      const described = trace.stackFrames.map((each) => `${each.name} (${each.source?.path ?? each.source?.name ?? '?'})`);
      assert.match(described[0] ?? '', /pauseOnLongHold .*breakOnContention\.ts/, described.join('\n'));
      assert.ok(!described.some((each) => /onTimer/.test(each)), `not in the watchdog's timer:\n${described.join('\n')}`);
      assert.ok(described.some((each) => /demoServer[\\/]/.test(each)), `a frame of the holder's own code:\n${described.join('\n')}`);
      await frame.session.customRequest('continue', { threadId: frame.threadId });
      await deposit;
    } finally {
      await client.close().catch(() => {});
      if (session) await vscode.debug.stopDebugging(session);
    }
  });
});

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

  /**
   * Starts Debug Server with `breakOn` and the storage latency, makes the calls `drive` starts, and hands `inspect` the
   * stack of the first pause (one `function (file)` per frame, innermost first); then continues and stops the session.
   */
  async function firstPause(breakOn: string, latencyMs: number, drive: (client: Client) => Promise<unknown>, inspect: (frames: readonly string[]) => void): Promise<void> {
    await settings().update('breakOn', [breakOn], vscode.ConfigurationTarget.Global);
    await vscode.workspace.getConfiguration('lockInspector.server').update('latencyMs', latencyMs, vscode.ConfigurationTarget.Global);
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
      const calls = drive(client);
      const frame = await Promise.race([stopped, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the debugger never paused')), 30_000))]);
      const trace = (await frame.session.customRequest('stackTrace', { threadId: frame.threadId, startFrame: 0, levels: 30 })) as { stackFrames: DapStackFrame[] };
      inspect(trace.stackFrames.map((each) => `${each.name} (${each.source?.path ?? each.source?.name ?? '?'})`));
      await frame.session.customRequest('continue', { threadId: frame.threadId });
      await calls;
    } finally {
      await client.close().catch(() => {});
      if (session) await vscode.debug.stopDebugging(session);
    }
  }

  it('pauses the debugged server in the stack of the handler whose lock request closed a deadlock', async () => {
    // Storage latency keeps charge_fee and refund_fee holding their first lock long enough to meet.
    await firstPause(
      'deadlock',
      40,
      async (client) => {
        await client.callTool({ name: 'deposit', arguments: { account: 'erin', amount: 10 } });
        await client.callTool({ name: 'deposit', arguments: { account: 'fees', amount: 10 } });
        const outcomes = await Promise.allSettled([
          client.callTool({ name: 'charge_fee', arguments: { account: 'erin', amount: 1 } }),
          client.callTool({ name: 'refund_fee', arguments: { account: 'erin', amount: 1 } }),
        ]);
        assert.equal(outcomes.length, 2);
      },
      (frames) => {
        assert.match(frames[0] ?? '', /pauseOn .*breakOnContention\.ts/, frames.join('\n'));
        assert.ok(frames.some((each) => /createLockDemoServer\.ts/.test(each)), `a frame of the tool handler:\n${frames.join('\n')}`);
      },
    );
  });

  it('pauses a long holder in its own code when it resumes, not in the lock map\'s timer', async () => {
    // Each storage read and write takes 1.2 s under the lock: past the server's 1 s long-hold threshold.
    await firstPause(
      'longHold',
      1200,
      (client) => client.callTool({ name: 'deposit', arguments: { account: 'frank', amount: 10 } }),
      (frames) => {
        assert.match(frames[0] ?? '', /pauseOnLongHold .*breakOnContention\.ts/, frames.join('\n'));
        assert.ok(!frames.some((each) => /onTimer/.test(each)), `not in the watchdog's timer:\n${frames.join('\n')}`);
        assert.ok(frames.some((each) => /demoServer[\\/]/.test(each)), `a frame of the holder's own code:\n${frames.join('\n')}`);
      },
    );
  });
});

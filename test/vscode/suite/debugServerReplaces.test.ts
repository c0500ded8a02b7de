import * as assert from 'node:assert/strict';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import * as vscode from 'vscode';
import type { LockInspectorApi } from '../../../extension/host/api';
import type { DebugServerInfo } from '../../../extension/host/debug/debugServer';
import type { ServerInfo } from '../../../extension/host/lifecycle/serverManager';
import { connectedSource, connectWhenListening, lockInspectorApi, recordEvents, waitFor } from './lockInspectorTestKit';

describe('Debug Server debugs the server the user is looking at', function () {
  this.timeout(90_000);
  let api: LockInspectorApi;

  before(async () => {
    api = await lockInspectorApi();
  });

  after(() => vscode.commands.executeCommand('lockInspector.stopServer'));

  it('replaces the launched server instead of starting a second one, and its lock sites point into the TypeScript source', async () => {
    const launched = await vscode.commands.executeCommand<ServerInfo>('lockInspector.startServer');
    assert.equal(launched.state, 'running', launched.error);
    const recording = recordEvents(api);
    const info = await vscode.commands.executeCommand<DebugServerInfo>('lockInspector.debugServer');
    assert.ok(info, 'the debug session started');
    const session = vscode.debug.activeDebugSession;
    try {
      assert.equal(info.replacedPid, launched.pid);
      assert.equal(api.serverInfo().state, 'stopped', 'the launched server made way');
      await waitFor(api, 'the launched source to go', () => !connectedSource(api.snapshot(), 'launched', launched.pid), 15_000);
      const source = await waitFor(api, 'the debugged server to connect', () => connectedSource(api.snapshot(), 'debug'), 30_000);

      const client = new Client({ name: 'debug-source-maps-test', version: '0' });
      await connectWhenListening(client, new URL(info.url));
      await Promise.all(['erin', 'fees'].map((account) => client.callTool({ name: 'deposit', arguments: { account, amount: 50 } })));
      // The two demo handlers that nest their locks in opposite orders: an inversion with both code locations.
      await Promise.all([client.callTool({ name: 'charge_fee', arguments: { account: 'erin', amount: 1 } }), client.callTool({ name: 'refund_fee', arguments: { account: 'erin', amount: 1 } })]);
      await client.close();
      const inversion = await waitFor(api, 'the inversion from the debugged server', () =>
        recording.events.find((event) => event.sourceId === source.id && event.type === 'inversion'),
      );
      assert.equal(inversion.type, 'inversion');
      if (inversion.type !== 'inversion') return;
      for (const site of [inversion.earlier, inversion.later]) assert.match(site.location ?? '', /createLockDemoServer\.ts:\d+:\d+$/, `a TypeScript location, not the bundle: ${site.location}`);
    } finally {
      recording.dispose();
      if (session) await vscode.debug.stopDebugging(session);
    }
  });
});

import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as vscode from 'vscode';
import type { LockOwner } from '../../../extension/contract/lockEvents';
import { lockInspectorApi, recordEvents, useSetting, waitFor } from './lockInspectorTestKit';

const FIXTURE = join('test', 'fixtures', 'sdk2Server', 'main.ts');

/** The checkout this suite was compiled from (the compiled file lives below it, in both the dev and the .vsix run). */
function checkoutRoot(): string {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) if (existsSync(join(dir, FIXTURE))) return dir;
  throw new Error(`no ${FIXTURE} above ${__dirname}`);
}

describe('an SDK 2.x server as "your own server"', function () {
  this.timeout(90_000);

  it('launches the @modelcontextprotocol/server 2.x fixture, fires parallel transfers and shows their locks and calls', async () => {
    const api = await lockInspectorApi();
    const root = checkoutRoot();
    const restore = [
      await useSetting('lockInspector.server', 'command', process.execPath),
      await useSetting('lockInspector.server', 'args', ['--import', 'tsx', FIXTURE]),
      await useSetting('lockInspector.server', 'cwd', root),
    ];
    const recorded = recordEvents(api);
    try {
      await vscode.commands.executeCommand('lockInspector.stopServer');
      const started = await vscode.commands.executeCommand<{ state: string; error?: string }>('lockInspector.startServer');
      assert.equal(started?.error, undefined);
      // Earlier suites' servers called a tool named transfer too; the model counts tools across sources.
      await vscode.commands.executeCommand('lockInspector.clearHistory');
      const outcome = await vscode.commands.executeCommand<{ ok: number; errors: number }>('lockInspector.runParallelCalls', {
        tool: 'transfer',
        arguments: { from: 'a0', to: 'a1', amount: 1 },
        count: 40,
        concurrency: 10,
      });
      assert.deepEqual([outcome?.ok, outcome?.errors], [40, 0], JSON.stringify(outcome));
      const transfer = await waitFor(api, 'the transfer tool with its 40 calls', () => api.snapshot().tools.find((tool) => tool.tool === 'transfer' && tool.calls === 40));
      assert.equal(transfer.errors, 0);
      const resources = api.snapshot().resources.map((resource) => resource.id);
      assert.ok(resources.includes('account:a0') && resources.includes('account:a1'), resources.join(', '));
      const owners = recorded.events.filter((event) => event.type === 'acquired').map((event) => (event as { owner?: LockOwner }).owner);
      assert.equal(owners.length, 80, 'two account locks per transfer');
      assert.ok(owners.every((owner) => owner?.tool === 'transfer' && owner.caller !== undefined && owner.connectionId !== undefined), JSON.stringify(owners[0]));
    } finally {
      recorded.dispose();
      await vscode.commands.executeCommand('lockInspector.stopServer');
      for (const undo of restore.reverse()) await undo();
    }
  });
});

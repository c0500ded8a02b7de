import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ParallelCallsOutcome } from '../../../extension/host/client/parallelToolCalls';
import type { ServerInfo } from '../../../extension/host/lifecycle/serverManager';

describe('failed parallel calls say why', function () {
  this.timeout(60_000);

  before(async () => {
    const info = await vscode.commands.executeCommand<ServerInfo>('lockInspector.startServer');
    assert.equal(info.state, 'running', info.error);
  });

  after(() => vscode.commands.executeCommand('lockInspector.stopServer'));

  it('keeps the server\'s error text with how many calls failed with it', async () => {
    const outcome = await vscode.commands.executeCommand<ParallelCallsOutcome>('lockInspector.runParallelCalls', {
      tool: 'transfer',
      arguments: { from: 'nobody-here', to: 'bob', amount: 1 },
      count: 6,
      concurrency: 3,
    });
    assert.equal(outcome.errors, 6, JSON.stringify(outcome));
    assert.equal(outcome.firstErrors.length, 1, JSON.stringify(outcome.firstErrors));
    assert.match(outcome.firstErrors[0]!.message, /Unknown account "nobody-here"/);
    assert.equal(outcome.firstErrors[0]!.count, 6);
  });

  it('a tool the running server does not have is refused with the tools it has, before any call', async () => {
    await assert.rejects(
      Promise.resolve(vscode.commands.executeCommand('lockInspector.runParallelCalls', { tool: 'reserve_room', arguments: {} })),
      (error: Error) => /has no tool "reserve_room"/.test(error.message) && /\btransfer\b/.test(error.message),
    );
  });
});

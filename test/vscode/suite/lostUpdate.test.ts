import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { lockInspectorApi, useSetting, waitFor } from './lockInspectorTestKit';

const LOST_UPDATE_CODE = 'lost-update';

/** Polls the document's lost-update diagnostics until `check` accepts them. */
async function lostUpdateDiagnostics(uri: vscode.Uri, check: (diagnostics: vscode.Diagnostic[]) => boolean, what: string): Promise<vscode.Diagnostic[]> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const diagnostics = vscode.languages.getDiagnostics(uri).filter((diagnostic) => diagnostic.code === LOST_UPDATE_CODE);
    if (check(diagnostics)) return diagnostics;
    if (Date.now() > deadline) assert.fail(`${what}; diagnostics: ${JSON.stringify(diagnostics.map((diagnostic) => diagnostic.message))}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('lost updates', function () {
  this.timeout(90_000);
  let folder: vscode.Uri;

  before(async () => {
    await lockInspectorApi();
    folder = vscode.workspace.workspaceFolders![0]!.uri;
  });

  it('flags the read-await-write span of a handler, and the withLock quick fix removes it', async () => {
    const uri = vscode.Uri.joinPath(folder, 'racyCounter.ts');
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document);
    const lines = document.getText().split('\n');
    const readLine = lines.findIndex((line) => line.includes('const current = requestCount')) + 1;
    const writeLine = lines.findIndex((line) => line.includes('requestCount = current + 1')) + 1;
    const [diagnostic] = await lostUpdateDiagnostics(uri, (diagnostics) => diagnostics.length === 1, 'one lost-update diagnostic');
    assert.equal(
      diagnostic!.message,
      `lost update possible: \`requestCount\` read at line ${readLine}, written at line ${writeLine} after \`await doWork()\`; a parallel call can run in between`,
    );
    assert.equal(diagnostic!.range.start.line, writeLine - 1);
    assert.equal(diagnostic!.relatedInformation?.[0]?.location.range.start.line, readLine - 1);

    const actions = (await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, diagnostic!.range)) ?? [];
    const titles = actions.map((action) => action.title);
    assert.ok(titles.includes("Wrap in withLock('requestCount')"), JSON.stringify(titles));
    assert.ok(titles.some((title) => title.startsWith('Update, then capture')), JSON.stringify(titles));
    const wrap = actions.find((action) => action.title === "Wrap in withLock('requestCount')")!;
    assert.ok(await vscode.workspace.applyEdit(wrap.edit!));
    try {
      assert.match(document.getText(), /import \{ ResourceLockMap \} from 'mcp-lock-inspector\/locks';/);
      assert.match(document.getText(), /return await locks\.withLock\('requestCount', async \(\) => \{/);
      await lostUpdateDiagnostics(uri, (diagnostics) => diagnostics.length === 0, 'no lost-update diagnostic after the fix');
    } finally {
      await vscode.commands.executeCommand('workbench.action.files.revert');
    }
  });

  it("follows the file-store server's handler into the helpers it imports and flags the load/save pair there", async () => {
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder, 'fileStoreServer', 'server.js')));
    const helpers = vscode.Uri.joinPath(folder, 'fileStoreServer', 'storeTools.js');
    const [diagnostic] = await lostUpdateDiagnostics(helpers, (diagnostics) => diagnostics.length === 1, 'a lost-update diagnostic in storeTools.js');
    assert.match(diagnostic!.message, /^lost update possible: `file storeFile` read at line \d+, written at line \d+ after `await sleep\(storageDelayMs\)`/);
  });

  it('shows the lost updates of the unmodified file-store server as a warning after a burst of parallel calls', async () => {
    const api = await lockInspectorApi();
    const restore = [
      await useSetting('lockInspector.server', 'command', process.execPath),
      await useSetting('lockInspector.server', 'args', ['server.js']),
      await useSetting('lockInspector.server', 'cwd', '${workspaceFolder}/fileStoreServer'),
      await useSetting('lockInspector.server', 'env', { STORE_FILE: 'burst.json', STORAGE_DELAY_MS: '100' }),
    ];
    try {
      await vscode.commands.executeCommand('lockInspector.stopServer');
      const started = await vscode.commands.executeCommand<{ state: string; error?: string }>('lockInspector.startServer');
      assert.equal(started?.error, undefined);
      const outcome = await vscode.commands.executeCommand<{ ok: number; errors: number; lostUpdates: number }>('lockInspector.runParallelCalls', { tool: 'addItem', arguments: { item: 'x' }, count: 20, concurrency: 20 });
      assert.equal(outcome?.ok, 20, JSON.stringify(outcome));
      assert.ok(outcome.lostUpdates > 0, `the race probe counts the burst's lost updates: ${JSON.stringify(outcome)}`);
      const warning = await waitFor(api, 'a lost-update warning', () => api.snapshot().warnings.find((candidate) => candidate.kind === 'lostUpdate'));
      assert.match(warning.message, /^Lost update(?: \(\d+ times\))?: addItem #\S+ wrote '.*burst\.json' at .*storeTools\.js:\d+:\d+ from what it read .* overwriting what addItem #\S+ wrote in between/);
      assert.ok((api.snapshot().tools.find((tool) => tool.tool === 'addItem')?.lostUpdates ?? 0) > 0);
    } finally {
      await vscode.commands.executeCommand('lockInspector.stopServer');
      for (const undo of restore.reverse()) await undo();
    }
  });
});

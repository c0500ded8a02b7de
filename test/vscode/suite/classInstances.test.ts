import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { InspectorModelReader, InspectorSnapshot } from '../../../extension/contract/inspectorSnapshot';
import { ToolCodeLensProvider } from '../../../extension/host/codeLens/toolCodeLensProvider';
import { activateLockInspector } from '../harness/lockInspectorExtension';

/** Polls the lost-update diagnostics of a document until `check` accepts them. */
async function lostUpdateDiagnostics(uri: vscode.Uri, check: (diagnostics: vscode.Diagnostic[]) => boolean, what: string): Promise<vscode.Diagnostic[]> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const diagnostics = vscode.languages.getDiagnostics(uri).filter((diagnostic) => diagnostic.code === 'lost-update');
    if (check(diagnostics)) return diagnostics;
    if (Date.now() > deadline) assert.fail(`${what}; diagnostics: ${JSON.stringify(diagnostics.map((diagnostic) => diagnostic.message))}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A model with one connected source that holds ledger:create with one call queued behind. */
function ledgerModel(): InspectorModelReader {
  const noStats = { count: 0, p50: 0, p95: 0, max: 0 };
  const snapshot: InspectorSnapshot = {
    atMs: 1,
    sources: [{ id: 's1', label: 'memory', kind: 'external', pid: 1, connected: true, connectedAtMs: 0, eventsReceived: 0, eventsDroppedBySource: 0, linesRejected: 0, partiesRefused: 0 }],
    resources: [
      {
        key: 's1\u0000ledger:create', sourceId: 's1', id: 'ledger:create', holders: [{ chainId: 1, mode: 'write', sinceMs: 0 }], waiters: [{ chainId: 2, mode: 'write', sinceMs: 0 }],
        acquisitions: 3, timeouts: 0, aborts: 0, deadlocks: 0, wait: noStats, hold: noStats,
      },
    ],
    tools: [],
    warnings: [],
    totals: { held: 1, waiting: 1, timeouts: 0, deadlocks: 0, events: 0, linesRejected: 0 },
  };
  return { snapshot: () => snapshot, history: () => [], subscribe: () => () => undefined };
}

describe('handlers that reach their state through imported class instances', function () {
  this.timeout(60_000);
  let folder: vscode.Uri;

  before(async () => {
    await activateLockInspector();
    folder = vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0]!.uri, 'memoryServer');
  });

  it("flags the imported class's load/save of this.path in its own file, and its withLock fix there removes the warning", async () => {
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder, 'server.js')));
    const graph = vscode.Uri.joinPath(folder, 'graph.js');
    const [diagnostic] = await lostUpdateDiagnostics(graph, (diagnostics) => diagnostics.length === 1, 'a lost-update diagnostic in graph.js');
    assert.match(diagnostic!.message, /^lost update possible: `file this\.path` read at line 10, written at line 16 after `await readFile\(this\.path, 'utf8'\)`/);

    const document = await vscode.workspace.openTextDocument(graph);
    const original = document.getText();
    await vscode.window.showTextDocument(document);
    const actions = (await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', graph, diagnostic!.range)) ?? [];
    const wrap = actions.find((action) => action.title === "Wrap in withLock('file:this.path')");
    assert.ok(wrap?.edit, JSON.stringify(actions.map((action) => action.title)));
    assert.ok(await vscode.workspace.applyEdit(wrap.edit));
    const server = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder, 'server.js'));
    try {
      assert.match(document.getText(), /\n {4}await locks\.withLock\('file:this\.path', async \(\) => \{\n {6}const graph = await this\.loadGraph\(\);[^]*\n {6}await this\.saveGraph\(graph\);\n {4}\}\);\n {4}return entities;/);
      // Saved, the module is what the handler's file reads when it is analysed again (after an edit of its own).
      assert.ok(await document.save());
      const edit = new vscode.WorkspaceEdit();
      edit.insert(server.uri, new vscode.Position(0, 0), ' ');
      assert.ok(await vscode.workspace.applyEdit(edit));
      await lostUpdateDiagnostics(graph, (diagnostics) => diagnostics.length === 0, 'no lost-update diagnostic once the class method is locked');
    } finally {
      const restore = new vscode.WorkspaceEdit();
      restore.replace(graph, new vscode.Range(document.positionAt(0), document.positionAt(document.getText().length)), original);
      if (server.getText().startsWith(' ')) restore.replace(server.uri, new vscode.Range(server.positionAt(0), server.positionAt(1)), '');
      await vscode.workspace.applyEdit(restore);
      await document.save();
      await server.save();
    }
  });

  it("puts the contention of the locks reached through an imported instance's method on the handler's registration", async () => {
    const uri = vscode.Uri.joinPath(folder, 'server.js');
    const document = await vscode.workspace.openTextDocument(uri);
    const registrationLine = document.getText().split('\n').findIndex((line) => line.includes("registerTool('create_entities'"));
    const provider = new ToolCodeLensProvider(ledgerModel());
    try {
      const analysed = new Promise((resolve) => provider.onDidChangeCodeLenses(resolve));
      await provider.provideCodeLenses(document);
      await analysed;
      const titles = (await provider.provideCodeLenses(document)).filter((lens) => lens.range.start.line === registrationLine).map((lens) => lens.command?.title);
      assert.ok(titles.includes('$(lock) ledger:* · ledger:create · 1 held · queue 1 now · 0 timeouts'), JSON.stringify(titles));
    } finally {
      provider.dispose();
    }
  });
});

import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { readOnlyHintMessage } from '../../../extension/contract/describe';
import type { InspectorModelReader, InspectorSnapshot } from '../../../extension/contract/inspectorSnapshot';
import { ANALYSED_LANGUAGES, READ_ONLY_HINT_DIAGNOSTIC_CODE, ToolCodeLensProvider } from '../../../extension/host/codeLens/toolCodeLensProvider';
import { activateLockInspector } from '../harness/lockInspectorExtension';

/** A model that advises list_products may be annotated read-only, as the inspector does after its read-lock-only calls. */
function adviceModel(): InspectorModelReader {
  const snapshot: InspectorSnapshot = {
    atMs: 1,
    sources: [{ id: 's1', label: 'catalog', kind: 'external', pid: 1, connected: true, connectedAtMs: 0, eventsReceived: 0, eventsDroppedBySource: 0, linesRejected: 0, partiesRefused: 0 }],
    resources: [],
    tools: [],
    warnings: [{ id: 'advice:readOnlyHint:s1:list_products', kind: 'advice', advice: 'readOnlyHint', sourceId: 's1', atMs: 1, tool: 'list_products', message: readOnlyHintMessage('list_products', 12, 12) }],
    totals: { held: 0, waiting: 0, timeouts: 0, deadlocks: 0, events: 0, linesRejected: 0 },
  };
  return { snapshot: () => snapshot, history: () => [], subscribe: () => () => undefined };
}

/** The document's read-only-hint diagnostics, once `check` accepts them. */
async function readOnlyDiagnostics(uri: vscode.Uri, check: (diagnostics: vscode.Diagnostic[]) => boolean, what: string): Promise<vscode.Diagnostic[]> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const diagnostics = vscode.languages.getDiagnostics(uri).filter((diagnostic) => diagnostic.code === READ_ONLY_HINT_DIAGNOSTIC_CODE);
    if (check(diagnostics)) return diagnostics;
    if (Date.now() > deadline) assert.fail(`${what}; diagnostics: ${JSON.stringify(diagnostics.map((diagnostic) => diagnostic.message))}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('readOnlyHint advice at the registration', function () {
  this.timeout(60_000);

  before(async () => {
    await activateLockInspector();
  });

  it('shows the advice at the registerTool call, and its quick fix writes annotations: { readOnlyHint: true } into the config', async () => {
    const uri = vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0]!.uri, 'catalogServer.ts');
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document);
    const registrationLine = document.getText().split('\n').findIndex((line) => line.includes('server.registerTool('));
    // A provider of its own, on a model that gives the advice; registered, so VS Code asks it for the code actions.
    const provider = new ToolCodeLensProvider(adviceModel());
    const registered = vscode.languages.registerCodeActionsProvider(ANALYSED_LANGUAGES, provider, { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] });
    try {
      const analysed = new Promise((resolve) => provider.onDidChangeCodeLenses(resolve));
      await provider.provideCodeLenses(document);
      await analysed;
      await provider.provideCodeLenses(document);
      const [diagnostic] = await readOnlyDiagnostics(uri, (diagnostics) => diagnostics.length === 1, 'one read-only-hint diagnostic');
      assert.equal(diagnostic!.message, readOnlyHintMessage('list_products', 12, 12));
      assert.equal(diagnostic!.severity, vscode.DiagnosticSeverity.Information);
      assert.equal(diagnostic!.range.start.line, registrationLine);
      assert.equal(document.getText(diagnostic!.range), 'registerTool');

      const actions = (await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, diagnostic!.range)) ?? [];
      const annotate = actions.find((action) => action.title === 'Annotate readOnlyHint');
      assert.ok(annotate?.edit, JSON.stringify(actions.map((action) => action.title)));
      assert.ok(await vscode.workspace.applyEdit(annotate.edit));
      try {
        assert.match(document.getText(), /\n {4}inputSchema: \{ prefix: z\.string\(\) \},\n {4}annotations: \{ readOnlyHint: true \},\n {2}\},\n/);
        // Annotated, the registration is no longer advised.
        await provider.provideCodeLenses(document);
        await new Promise((resolve) => setTimeout(resolve, 300));
        await provider.provideCodeLenses(document);
        await readOnlyDiagnostics(uri, (diagnostics) => diagnostics.length === 0, 'no read-only-hint diagnostic once annotated');
      } finally {
        await vscode.commands.executeCommand('workbench.action.files.revert');
      }
    } finally {
      registered.dispose();
      provider.dispose();
    }
  });
});

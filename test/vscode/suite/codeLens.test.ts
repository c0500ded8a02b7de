import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { PLACEHOLDER_LENS_TITLE, ToolCodeLensProvider } from '../../../extension/host/codeLens/toolCodeLensProvider';
import type { InspectorModelReader, InspectorSnapshot, WarningView } from '../../../extension/contract/inspectorSnapshot';
import { activateLockInspector } from '../harness/lockInspectorExtension';

const LENS_UPDATE_TIMEOUT_MS = 15_000;

async function lensesOf(uri: vscode.Uri): Promise<vscode.CodeLens[]> {
  // A file's first answer may be placeholders while its analysis runs (lensTiming.test.ts checks those).
  const deadline = Date.now() + LENS_UPDATE_TIMEOUT_MS;
  for (;;) {
    const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 100)) ?? [];
    if (!lenses.some((lens) => lens.command?.title === PLACEHOLDER_LENS_TITLE) || Date.now() > deadline) return lenses;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The titles of the lenses drawn on a 1-based line. */
async function titlesAt(uri: vscode.Uri, line: number): Promise<string[]> {
  return (await lensesOf(uri)).filter((lens) => lens.range.start.line === line - 1).map((lens) => lens.command?.title ?? '');
}

/** Polls the lenses until `check` accepts them; the model and the lenses follow the server asynchronously. */
async function waitForLenses(uri: vscode.Uri, check: (lenses: vscode.CodeLens[]) => boolean, what: string): Promise<vscode.CodeLens[]> {
  const deadline = Date.now() + LENS_UPDATE_TIMEOUT_MS;
  for (;;) {
    const lenses = await lensesOf(uri);
    if (check(lenses)) return lenses;
    if (Date.now() > deadline) assert.fail(`${what} within ${LENS_UPDATE_TIMEOUT_MS} ms; lenses: ${JSON.stringify(lenses.map((lens) => lens.command?.title))}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** The calls a deposit lens reports; 0 before the first call (start or fire lenses). */
function depositCalls(titles: readonly string[]): number {
  const live = titles.find((title) => title.startsWith('deposit ·'));
  return Number(/(\d+) calls?/.exec(live ?? '')?.[1] ?? 0);
}

/** The line (1-based) of the first occurrence of `text` in a document. */
async function lineOf(uri: vscode.Uri, text: string): Promise<number> {
  const document = await vscode.workspace.openTextDocument(uri);
  const offset = document.getText().indexOf(text);
  assert.ok(offset >= 0, `${text} not found in ${uri.fsPath}`);
  return document.positionAt(offset).line + 1;
}

describe('code lenses', function () {
  this.timeout(60_000);
  let bundledServerSource: vscode.Uri;

  before(async () => {
    const extension = await activateLockInspector();
    bundledServerSource = vscode.Uri.joinPath(extension.extensionUri, 'extension', 'demoServer', 'createLockDemoServer.ts');
  });

  after(async () => {
    await vscode.commands.executeCommand('lockInspector.stopServer');
  });

  it('draws lenses on the tool registrations of a workspace server, with arguments read from its zod shapes', async () => {
    const [folder] = vscode.workspace.workspaceFolders ?? [];
    assert.ok(folder, 'the test workspace is open');
    const uri = vscode.Uri.joinPath(folder.uri, 'inventoryServer.ts');
    const line = await lineOf(uri, "registerTool('reserve_item'");
    const lenses = (await lensesOf(uri)).filter((lens) => lens.range.start.line === line - 1);
    const fire = lenses.find((lens) => lens.command?.command === 'lockInspector.runParallelCalls');
    assert.ok(fire, `a fire lens on line ${line}: ${JSON.stringify(lenses.map((lens) => lens.command?.title))}`);
    assert.deepEqual(fire.command!.arguments, [{ tool: 'reserve_item', arguments: { sku: 'alice', quantity: 1 }, count: 20, concurrency: 10 }]);
  });

  it('on the bundled server source, the lens text changes to live figures after parallel calls', async () => {
    const depositLine = await lineOf(bundledServerSource, "'deposit',") - 1;
    const lockLine = await lineOf(bundledServerSource, 'locks.withLock(accountLock(account)');
    // Another suite may have called deposit already; the figures must grow by this test's calls either way.
    const callsBefore = depositCalls(await titlesAt(bundledServerSource, depositLine));

    const started = await vscode.commands.executeCommand<{ state: string; error?: string }>('lockInspector.startServer');
    assert.equal(started?.error, undefined);
    // Click the lens: run exactly the command and arguments it carries.
    const fire = (await lensesOf(bundledServerSource)).find((lens) => lens.range.start.line === depositLine - 1 && lens.command?.command === 'lockInspector.runParallelCalls');
    assert.ok(fire?.command);
    assert.deepEqual(fire.command.arguments, [{ tool: 'deposit', arguments: { account: 'alice', amount: 1 }, count: 20, concurrency: 10 }]);
    const outcome = await vscode.commands.executeCommand<{ ok: number; errors: number }>(fire.command.command, ...(fire.command.arguments ?? []));
    assert.equal(outcome?.ok, 20, JSON.stringify(outcome));

    await waitForLenses(
      bundledServerSource,
      (lenses) => depositCalls(lenses.filter((lens) => lens.range.start.line === depositLine - 1).map((lens) => lens.command?.title ?? '')) >= callsBefore + 20,
      'the deposit lens counts the 20 calls',
    );
    const live = (await lensesOf(bundledServerSource)).find((lens) => lens.range.start.line === depositLine - 1 && lens.command?.title.startsWith('deposit ·'))!;
    assert.match(live.command!.title, /^deposit · \d+ calls · wait p95 .+ · hold p95 /);
    assert.equal(live.command!.command, 'lockInspector.showTimeline');
    assert.deepEqual(live.command!.arguments, [{ tool: 'deposit' }]);

    const lockTitles = await titlesAt(bundledServerSource, lockLine);
    assert.ok(lockTitles.some((title) => /^\$\(lock\) account:\* · .*queue \d+ now · \d+ timeouts?/.test(title)), `lock site lens: ${JSON.stringify(lockTitles)}`);
  });

  it('lockInspector.revealTool opens the registration of a tool in the workspace', async () => {
    const revealed = await vscode.commands.executeCommand<{ uri: string; line: number }>('lockInspector.revealTool', { tool: 'restock_item' });
    assert.ok(revealed, 'restock_item is registered in the workspace');
    assert.ok(revealed.uri.endsWith('/inventoryServer.ts'), revealed.uri);
    const editor = vscode.window.activeTextEditor;
    assert.equal(editor?.document.uri.toString(), revealed.uri);
    assert.equal(editor?.selection.active.line, revealed.line);
    assert.match(editor!.document.lineAt(revealed.line).text, /registerTool\('restock_item'/);
  });

  it("shows the model's lock warnings as diagnostics at the lock sites they name, with quick fixes", async () => {
    const [folder] = vscode.workspace.workspaceFolders ?? [];
    const uri = vscode.Uri.joinPath(folder!.uri, 'inventoryServer.ts');
    const document = await vscode.workspace.openTextDocument(uri);
    const reserveLine = await lineOf(uri, 'locks.withLock(`sku:${sku}`');
    const restockLine = reserveLine + document.getText().split('\n').slice(reserveLine).findIndex((text) => text.includes('locks.withLock(')) + 1;
    const inversion: WarningView = {
      id: 'inversion:test', kind: 'inversion', sourceId: 's1', atMs: 1, message: 'sku:a and sku:b are taken in opposite orders',
      earlier: { first: 'sku:a', second: 'sku:b', chainId: 1, atMs: 0, location: `${uri.fsPath}:${reserveLine}:17` },
      later: { first: 'sku:b', second: 'sku:a', chainId: 2, atMs: 1, location: `${uri.fsPath}:${restockLine}:17` },
    };
    const snapshot: InspectorSnapshot = {
      atMs: 1,
      sources: [{ id: 's1', label: 'test', kind: 'external', pid: 1, connected: true, connectedAtMs: 0, eventsReceived: 0, eventsDroppedBySource: 0, linesRejected: 0, partiesRefused: 0 }],
      resources: [],
      tools: [],
      warnings: [inversion],
      totals: { held: 0, waiting: 0, timeouts: 0, deadlocks: 0, events: 0, linesRejected: 0 },
    };
    // A model of its own, so the test controls the warnings; the provider is the one the extension registers.
    const model: InspectorModelReader = { snapshot: () => snapshot, history: () => [], subscribe: () => () => undefined };
    const provider = new ToolCodeLensProvider(model);
    try {
      // A fresh provider first answers with placeholders and announces the figures with a change event.
      const analysed = new Promise((resolve) => provider.onDidChangeCodeLenses(resolve));
      await provider.provideCodeLenses(document);
      await analysed;
      const lenses = await provider.provideCodeLenses(document);
      const lockLens = lenses.find((lens) => lens.range.start.line === reserveLine - 1 && lens.command?.title.startsWith('$(lock)'));
      assert.equal(lockLens?.command?.title, '$(lock) sku:* · not taken yet · $(warning) 1 warning');

      const diagnostics = vscode.languages.getDiagnostics(uri).filter((diagnostic) => diagnostic.source === 'Lock Inspector');
      assert.deepEqual(diagnostics.map((diagnostic) => [diagnostic.range.start.line + 1, diagnostic.code, diagnostic.message]), [
        [reserveLine, 'inversion', inversion.message],
        [restockLine, 'inversion', inversion.message],
      ]);
      assert.equal(diagnostics[0]!.relatedInformation?.[0]?.location.range.start.line, restockLine - 1, 'links to the opposite order');

      const context: vscode.CodeActionContext = { diagnostics, triggerKind: vscode.CodeActionTriggerKind.Invoke, only: undefined };
      const actions = provider.provideCodeActions(document, diagnostics[0]!.range, context);
      assert.deepEqual(actions.map((action) => action.title).slice(0, 2), ['Show in the lock timeline', 'Go to the lock taken in the opposite order']);
      assert.deepEqual(actions[0]!.command?.arguments, [{ tool: 'reserve_item', resource: 'sku:b' }]);
    } finally {
      provider.dispose();
    }
    assert.deepEqual(vscode.languages.getDiagnostics(uri).filter((diagnostic) => diagnostic.source === 'Lock Inspector'), [], 'disposed with the provider');
  });
});

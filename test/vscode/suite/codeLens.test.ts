import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateLockInspector } from '../harness/lockInspectorExtension';

const LENS_UPDATE_TIMEOUT_MS = 15_000;

async function lensesOf(uri: vscode.Uri): Promise<vscode.CodeLens[]> {
  return (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 100)) ?? [];
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
    bundledServerSource = vscode.Uri.joinPath(extension.extensionUri, 'extension', 'server', 'createLockDemoServer.ts');
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
    assert.ok(lockTitles.some((title) => /^🔒 account:\* · .*queue \d+ now · \d+ timeouts?/.test(title)), `lock site lens: ${JSON.stringify(lockTitles)}`);
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
});

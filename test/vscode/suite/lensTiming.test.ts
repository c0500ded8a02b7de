import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { PLACEHOLDER_LENS_TITLE } from '../../../extension/host/codeLens/toolCodeLensProvider';

describe('code lenses come at once', function () {
  this.timeout(60_000);

  it('a file opened for the first time has a lens on its tool registration within a second, then the figures', async () => {
    const [folder] = vscode.workspace.workspaceFolders ?? [];
    // The workspace's server under another tool name, as an unsaved file: no analysis of it can be cached yet.
    const server = new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(folder!.uri, 'inventoryServer.ts')));
    const taskTool = "server.experimental.tasks.registerToolTask('lens_timing_task', {}, { createTask: async () => ({ task: {} }) });";
    const content = `${server.replaceAll('restock_item', 'lens_timing_probe')}\n${taskTool}\n`;
    const registrationLine = content.split('\n').findIndex((line) => line.includes("registerTool('lens_timing_probe'"));
    const taskLine = content.split('\n').indexOf(taskTool);
    const document = await vscode.workspace.openTextDocument({ language: 'typescript', content });
    await vscode.window.showTextDocument(document);
    const startedMs = performance.now();
    const first = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', document.uri);
    const tookMs = performance.now() - startedMs;
    assert.ok(tookMs < 1000, `lenses took ${Math.round(tookMs)} ms`);
    for (const line of [registrationLine, taskLine]) {
      assert.ok(first.some((lens) => lens.range.start.line === line), `a lens holds line ${line + 1} at once: ${JSON.stringify(first.map((lens) => [lens.range.start.line, lens.command?.title]))}`);
    }

    const deadline = Date.now() + 15_000;
    let titles: string[] = [];
    while (Date.now() < deadline) {
      const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', document.uri);
      titles = lenses.filter((lens) => lens.range.start.line === registrationLine).map((lens) => lens.command?.title ?? '');
      if (titles.length > 0 && !titles.includes(PLACEHOLDER_LENS_TITLE)) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.ok(titles.length > 0 && !titles.includes(PLACEHOLDER_LENS_TITLE), `the figures replace the placeholder: ${JSON.stringify(titles)}`);
    assert.ok(titles.some((title) => /lens_timing_probe|Start server/.test(title)), JSON.stringify(titles));
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });
});

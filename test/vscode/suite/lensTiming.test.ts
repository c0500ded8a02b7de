import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { PLACEHOLDER_LENS_TITLE } from '../../../extension/host/codeLens/toolCodeLensProvider';

describe('code lenses come at once', function () {
  this.timeout(60_000);

  it('a file opened for the first time gets placeholder lenses on its tool registrations before any analysis, then the figures', async () => {
    const [folder] = vscode.workspace.workspaceFolders ?? [];
    // The workspace's server under another tool name, as an unsaved file: no analysis of it can be cached yet.
    const server = new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(folder!.uri, 'inventoryServer.ts')));
    const taskTool = "server.experimental.tasks.registerToolTask('lens_timing_task', {}, { createTask: async () => ({ task: {} }) });";
    const content = `${server.replaceAll('restock_item', 'lens_timing_probe')}\n${taskTool}\n`;
    const registrationLine = content.split('\n').findIndex((line) => line.includes("registerTool('lens_timing_probe'"));
    const taskLine = content.split('\n').indexOf(taskTool);
    // Not shown yet, so VS Code asks for no lenses of its own: the call below is the provider's first for this file.
    const document = await vscode.workspace.openTextDocument({ language: 'typescript', content });
    const first = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', document.uri);
    // Placeholders, not figures: the answer came without waiting for the analysis, however long that takes.
    for (const line of [registrationLine, taskLine]) {
      const titles = first.filter((lens) => lens.range.start.line === line).map((lens) => lens.command?.title);
      assert.deepEqual(titles, [PLACEHOLDER_LENS_TITLE], `a placeholder holds line ${line + 1} at once: ${JSON.stringify(first.map((lens) => [lens.range.start.line, lens.command?.title]))}`);
    }
    await vscode.window.showTextDocument(document);

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

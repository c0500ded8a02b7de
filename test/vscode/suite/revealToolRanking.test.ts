import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

describe('Go to Tool Handler ranks the server over its tests', function () {
  this.timeout(60_000);
  let fixtureFolder: vscode.Uri;

  before(async () => {
    const [folder] = vscode.workspace.workspaceFolders ?? [];
    // A test fixture that registers a look-alike of the workspace server's tool, in a folder sorted before it.
    fixtureFolder = vscode.Uri.joinPath(folder!.uri, 'aaa', 'test', 'fixtures');
    await vscode.workspace.fs.writeFile(
      vscode.Uri.joinPath(fixtureFolder, 'inventoryFixture.ts'),
      new TextEncoder().encode("declare const server: any;\nserver.registerTool('restock_item', {}, async () => ({ content: [] }));\n"),
    );
  });

  after(() => vscode.workspace.fs.delete(vscode.Uri.joinPath(fixtureFolder, '..', '..'), { recursive: true }));

  it('opens the server\'s registration, not the test fixture\'s', async () => {
    const revealed = await vscode.commands.executeCommand<{ uri: string }>('lockInspector.revealTool', { tool: 'restock_item' });
    assert.ok(revealed?.uri.endsWith('/inventoryServer.ts'), revealed?.uri);
  });

  it('falls back to test code when nothing else registers the tool', async () => {
    const fixture = vscode.Uri.joinPath(fixtureFolder, 'onlyInTests.ts');
    await vscode.workspace.fs.writeFile(fixture, new TextEncoder().encode("declare const server: any;\nserver.registerTool('only_in_tests', {}, async () => ({ content: [] }));\n"));
    const revealed = await vscode.commands.executeCommand<{ uri: string }>('lockInspector.revealTool', { tool: 'only_in_tests' });
    assert.ok(revealed?.uri.endsWith('/aaa/test/fixtures/onlyInTests.ts'), revealed?.uri);
  });
});

import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

describe('Go to Tool Handler ranks the server over its tests', function () {
  this.timeout(60_000);
  let fixtureFolder: vscode.Uri;
  let server: string;

  /** Writes a file and waits until the workspace search (which Go to Tool Handler uses) lists it. */
  async function writeVisible(uri: vscode.Uri, text: string): Promise<void> {
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
    const deadline = Date.now() + 10_000;
    while (!(await vscode.workspace.findFiles('aaa/**/*.ts')).some((found) => found.toString() === uri.toString())) {
      if (Date.now() > deadline) throw new Error(`${uri.fsPath} never showed up in the workspace search`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  before(async () => {
    const [folder] = vscode.workspace.workspaceFolders ?? [];
    server = new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(folder!.uri, 'inventoryServer.ts')));
    // A test fixture that registers a look-alike of the workspace server's tools, in a folder sorted before it.
    fixtureFolder = vscode.Uri.joinPath(folder!.uri, 'aaa', 'test', 'fixtures');
    await writeVisible(vscode.Uri.joinPath(fixtureFolder, 'inventoryFixture.ts'), server);
  });

  after(() => vscode.workspace.fs.delete(vscode.Uri.joinPath(fixtureFolder, '..', '..'), { recursive: true }));

  it('opens the server\'s registration, not the test fixture\'s', async () => {
    const revealed = await vscode.commands.executeCommand<{ uri: string }>('lockInspector.revealTool', { tool: 'restock_item' });
    assert.ok(revealed?.uri.endsWith('/inventoryServer.ts'), revealed?.uri);
  });

  it('falls back to test code when nothing else registers the tool', async () => {
    await writeVisible(vscode.Uri.joinPath(fixtureFolder, 'onlyInTests.ts'), server.replaceAll('restock_item', 'only_in_tests'));
    const revealed = await vscode.commands.executeCommand<{ uri: string }>('lockInspector.revealTool', { tool: 'only_in_tests' });
    assert.ok(revealed?.uri.endsWith('/aaa/test/fixtures/onlyInTests.ts'), revealed?.uri);
  });
});

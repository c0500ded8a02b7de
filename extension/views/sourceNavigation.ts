import * as vscode from 'vscode';
import { parseSourceLocation } from './sourceLocation';
import { findToolRegistration } from './toolRegistration';

/** Command another part of the extension may register to reveal a tool's handler (it knows the server's source best). */
const REVEAL_TOOL_COMMAND = 'lockInspector.revealTool';
const SOURCE_GLOB = '**/*.{ts,mts,cts,js,mjs,cjs}';
const EXCLUDED_GLOB = '**/{node_modules,dist,out,.git}/**';
const MAX_FILES_SEARCHED = 2000;

/** Opens a `file:line:column` location reported by the lock library; relative paths resolve against the workspace folders. */
export async function revealSourceLocation(location: string): Promise<void> {
  const { path, line, column } = parseSourceLocation(location);
  const uri = await resolveSourceUri(path);
  if (!uri) {
    void vscode.window.showWarningMessage(`Lock Inspector: ${path} is not in this workspace or on disk. Open the server's folder to jump to its code.`);
    return;
  }
  await showAt(uri, line, column);
}

/** Jumps to where `tool` is registered: through `lockInspector.revealTool` when registered, else by searching the workspace. */
export async function revealToolHandler(tool: string): Promise<void> {
  if ((await vscode.commands.getCommands(true)).includes(REVEAL_TOOL_COMMAND)) {
    await vscode.commands.executeCommand(REVEAL_TOOL_COMMAND, tool);
    return;
  }
  const files = await vscode.workspace.findFiles(SOURCE_GLOB, EXCLUDED_GLOB, MAX_FILES_SEARCHED);
  for (const uri of files) {
    const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
    const position = findToolRegistration(text, tool);
    if (position) {
      await showAt(uri, position.line, position.column);
      return;
    }
  }
  void vscode.window.showInformationMessage(`Lock Inspector: no registration of tool "${tool}" found in this workspace. Open the MCP server's source folder to jump to its handlers.`);
}

async function resolveSourceUri(path: string): Promise<vscode.Uri | undefined> {
  if (path.startsWith('file:')) return vscode.Uri.parse(path);
  const candidates = /^([a-z]:[\\/]|[\\/])/i.test(path)
    ? [vscode.Uri.file(path)]
    : (vscode.workspace.workspaceFolders ?? []).map((folder) => vscode.Uri.joinPath(folder.uri, path));
  for (const candidate of candidates) {
    try {
      await vscode.workspace.fs.stat(candidate);
      return candidate;
    } catch {
      // Not in this folder; try the next.
    }
  }
  return undefined;
}

async function showAt(uri: vscode.Uri, line: number, column: number): Promise<void> {
  const position = new vscode.Position(line - 1, column - 1);
  await vscode.window.showTextDocument(uri, { selection: new vscode.Range(position, position), preview: true });
}

import * as vscode from 'vscode';
import { COMMANDS } from '../commands/commandIds';
import { parseSourceLocation } from './sourceLocation';

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

/** Jumps to where `tool` is registered, found by the code-lens analysis of the workspace (`lockInspector.revealTool`). */
export async function revealToolHandler(tool: string): Promise<void> {
  await vscode.commands.executeCommand(COMMANDS.revealTool, tool);
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

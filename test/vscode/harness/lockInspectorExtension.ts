import * as vscode from 'vscode';

/** The extension's id, `publisher.name` from package.json. */
export const lockInspectorExtensionId = 'mcp-lock-inspector.mcp-lock-inspector';

/** Finds the extension, activates it and returns it; fails with a clear message when VS Code does not know it. */
export async function activateLockInspector(): Promise<vscode.Extension<unknown>> {
  const extension = vscode.extensions.getExtension(lockInspectorExtensionId);
  if (!extension) throw new Error(`VS Code has no extension ${lockInspectorExtensionId}: it was not loaded from the development path or the installed vsix`);
  await extension.activate();
  return extension;
}

/** Command ids the extension's package.json contributes that are not registered in VS Code. */
export async function unregisteredContributedCommands(extension: vscode.Extension<unknown>): Promise<string[]> {
  const contributed: { command: string }[] = extension.packageJSON.contributes?.commands ?? [];
  const registered = new Set(await vscode.commands.getCommands(true));
  return contributed.map(({ command }) => command).filter((command) => !registered.has(command));
}

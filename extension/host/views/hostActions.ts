import * as vscode from 'vscode';
import type { CommonWebviewMessage } from '../../contract/webviewMessages';
import { revealSourceLocation, revealToolHandler } from './sourceNavigation';

/** Handles the messages every webview may send besides `ready`. */
export function handleCommonMessage(message: Exclude<CommonWebviewMessage, { readonly type: 'ready' }>): void {
  switch (message.type) {
    case 'revealTool':
      reportFailure(revealToolHandler(message.tool), `jump to tool "${message.tool}"`);
      return;
    case 'revealSource':
      reportFailure(revealSourceLocation(message.location), `open ${message.location}`);
      return;
    default:
      assertNever(message);
  }
}

/** Runs an extension command for a webview button, showing its failure instead of losing it. */
export function runViewCommand(command: string, ...args: unknown[]): void {
  reportFailure(Promise.resolve(vscode.commands.executeCommand(command, ...args)), `run ${command}`);
}

/** Shows an error message when `work` fails; webview clicks have nobody else to tell. */
export function reportFailure(work: Promise<unknown>, what: string): void {
  work.catch((error: unknown) => {
    const reason = error instanceof Error ? error.message : String(error);
    void vscode.window.showErrorMessage(`Lock Inspector could not ${what}: ${reason}`);
  });
}

/** Compile-time proof that a switch handled every message; at run time, names the stray message. */
export function assertNever(value: never): never {
  throw new Error(`Unexpected webview message: ${JSON.stringify(value)}`);
}

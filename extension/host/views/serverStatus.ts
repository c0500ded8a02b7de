import type * as vscode from 'vscode';
import type { ServerState } from '../../contract/webviewMessages';

/** What the sidebar needs to know about the launched server; the server manager provides it. */
export interface ServerStatus {
  readonly state: ServerState;
  onDidChangeState(listener: (state: ServerState) => void): vscode.Disposable;
}

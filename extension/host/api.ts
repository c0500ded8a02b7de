import * as vscode from 'vscode';
import type { InspectorModelReader, InspectorSnapshot, ModelChange } from '../contract/inspectorSnapshot';
import type { LaunchedServer, ServerInfo } from './lifecycle/serverManager';
import type { ServerState } from '../contract/webviewMessages';
import { Disposable } from './dispose';

/**
 * What `activate()` returns, for extensions and tests that build on the inspector:
 * `vscode.extensions.getExtension('mcp-lock-inspector.mcp-lock-inspector').exports`.
 */
export interface LockInspectorApi {
  /** Bumped on an incompatible change of this interface. */
  readonly apiVersion: 1;
  /** The model now: resources with holders and waiters, per-tool stats, warnings, connected sources. */
  snapshot(): InspectorSnapshot;
  /** Fires when the model changes (coalesced, at most about 33 times a second) with the new snapshot and the events since the last change. */
  readonly onDidChange: vscode.Event<ModelChange>;
  /** The server the extension launches itself: state, pid while it runs, and why it last failed. */
  serverInfo(): ServerInfo;
  /** Fires when that server starts, stops or crashes. */
  readonly onDidChangeServerState: vscode.Event<ServerState>;
}

/** Owns the event behind the public API; dispose it with the extension. */
export class LockInspectorApiHost extends Disposable {
  private readonly changeEmitter = this._register(new vscode.EventEmitter<ModelChange>());

  /** The object handed out from activate(). */
  readonly api: LockInspectorApi;

  constructor(model: InspectorModelReader, server: LaunchedServer) {
    super();
    this._register({ dispose: model.subscribe((change) => this.changeEmitter.fire(change)) });
    this.api = Object.freeze({
      apiVersion: 1,
      snapshot: () => model.snapshot(),
      onDidChange: this.changeEmitter.event,
      serverInfo: () => server.info,
      onDidChangeServerState: server.onDidChangeState,
    });
  }
}

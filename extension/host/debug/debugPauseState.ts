import * as vscode from 'vscode';
import { Disposable } from '../dispose';
import { LAUNCH_ATTRIBUTE } from './channelDebugConfigurationProvider';

/**
 * Whether a debug session that reports to the inspector (`"lockInspector": true`) is stopped at a breakpoint, read
 * from the debugger's active stack item: set while a thread is paused, cleared when it runs on or the session ends.
 */
export class DebugPauseState extends Disposable {
  private readonly changed = this._register(new vscode.EventEmitter<void>());
  /** Fires when a reporting session pauses or runs on. */
  readonly onDidChange = this.changed.event;
  #pausedSession: string | undefined;

  constructor() {
    super();
    this._register(vscode.debug.onDidChangeActiveStackItem((item) => this.update(item?.session)));
    this._register(vscode.debug.onDidTerminateDebugSession((session) => session.name === this.#pausedSession && this.update(undefined)));
    this.update(vscode.debug.activeStackItem?.session);
  }

  /** Name of the reporting session paused at a breakpoint, if any. */
  get pausedSession(): string | undefined {
    return this.#pausedSession;
  }

  private update(session: vscode.DebugSession | undefined): void {
    const paused = session?.configuration[LAUNCH_ATTRIBUTE] === true ? session.name : undefined;
    if (paused === this.#pausedSession) return;
    this.#pausedSession = paused;
    this.changed.fire();
  }
}

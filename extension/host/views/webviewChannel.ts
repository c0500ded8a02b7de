import type * as vscode from 'vscode';
import { Disposable } from '../dispose';

/** What a view adapter does with its webview's messages. */
export interface WebviewChannelHandlers<FromWebview> {
  /** The webview (re)loaded its script and listens: send one snapshot now, then stream changes. */
  onReady(): void;
  /** The webview's content went away (hidden, reloaded): stop streaming until the next `onReady`. */
  onGone(): void;
  onMessage(message: Exclude<FromWebview, { readonly type: 'ready' }>): void;
}

/**
 * The ready handshake: messages posted before the webview said `ready` are held and delivered
 * right after the snapshot `onReady` sends, so nothing reaches a script that is not listening yet.
 */
export class WebviewChannel<ToWebview, FromWebview extends { readonly type: string }> extends Disposable {
  #ready = false;
  readonly #held: ToWebview[] = [];

  constructor(
    private readonly webview: vscode.Webview,
    private readonly handlers: WebviewChannelHandlers<FromWebview>,
  ) {
    super();
    this._register(webview.onDidReceiveMessage((message: FromWebview) => this.receive(message)));
  }

  /** True between the webview's `ready` and the moment its content goes away. */
  get isReady(): boolean {
    return this.#ready;
  }

  /** Posts now if the webview listens, else holds the message until it says ready. */
  post(message: ToWebview): void {
    if (this.#ready) void this.webview.postMessage(message);
    else this.#held.push(message);
  }

  /** Call when the webview's content is destroyed (a hidden view, a panel moved out of sight). */
  markGone(): void {
    if (!this.#ready) return;
    this.#ready = false;
    this.handlers.onGone();
  }

  private receive(message: FromWebview): void {
    if (typeof message !== 'object' || message === null || typeof message.type !== 'string') return;
    if (message.type !== 'ready') {
      this.handlers.onMessage(message as Exclude<FromWebview, { readonly type: 'ready' }>);
      return;
    }
    // A second `ready` without a visibility change means the webview reloaded itself: start over.
    if (this.#ready) this.handlers.onGone();
    this.#ready = true;
    this.handlers.onReady();
    for (const message of this.#held.splice(0)) void this.webview.postMessage(message);
  }
}

import * as vscode from 'vscode';
import type { TimelineFilter, TimelineHostMessage, TimelineWebviewMessage } from '../../contract/webviewMessages';
import { Throttle } from '../../inspector/throttle';
import { Disposable } from '../dispose';
import { COMMANDS } from '../commands/commandIds';
import { assertNever, handleCommonMessage, runViewCommand } from './hostActions';
import { parseTimelineFilter } from './timelineFilter';
import { timelineChangeMessage, timelineSnapshotMessages, type TimelineModel } from './timelineMessages';
import { WebviewChannel } from './webviewChannel';
import { webviewHtml, webviewOptions } from './webviewHtml';

/** The lock timeline: an editor panel of swimlanes, one per resource, restored after a reload. */
export class TimelinePanel extends Disposable {
  /** Also the `onWebviewPanel:` activation event and the serializer's key. */
  static readonly viewType = 'lockInspector.timeline';

  readonly #channel: WebviewChannel<TimelineHostMessage, TimelineWebviewMessage>;
  #unsubscribeModel: (() => void) | undefined;
  /**
   * Where the webview last put the time cursor. The state there is rebuilt from history (about 0.3 s for 100,000
   * events), so cursor moves that arrive while one is rebuilt fold into one rebuild at the newest instant.
   */
  #cursorAtMs: number | undefined;
  readonly #cursorMoves = new Throttle(0, () => runViewCommand(COMMANDS.showStateAt, { atMs: this.#cursorAtMs }));

  /** Opens a new timeline panel beside the active editor. */
  static create(extensionUri: vscode.Uri, model: TimelineModel): TimelinePanel {
    const panel = vscode.window.createWebviewPanel(TimelinePanel.viewType, 'Lock Timeline', vscode.ViewColumn.Active, webviewOptions(extensionUri));
    return new TimelinePanel(panel, extensionUri, model);
  }

  /** Adopts a panel VS Code restored after a reload. */
  static revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, model: TimelineModel): TimelinePanel {
    panel.webview.options = webviewOptions(extensionUri);
    return new TimelinePanel(panel, extensionUri, model);
  }

  private constructor(
    readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private readonly model: TimelineModel,
  ) {
    super();
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'lock.svg');
    this.#channel = this._register(
      new WebviewChannel<TimelineHostMessage, TimelineWebviewMessage>(panel.webview, {
        onReady: () => this.start(),
        onGone: () => this.stop(),
        onMessage: (message) => this.receive(message),
      }),
    );
    // Without retainContextWhenHidden a hidden panel loses its page; it says `ready` again when shown.
    this._register(panel.onDidChangeViewState(() => panel.visible || this.#channel.markGone()));
    this._register(panel.onDidDispose(() => this.dispose()));
    this._register({ dispose: () => this.stop() });
    this._register({ dispose: () => this.#cursorMoves.cancel() });
    panel.webview.html = webviewHtml(panel.webview, extensionUri, 'timeline', 'Lock Timeline');
  }

  /** Narrows what the timeline shows; held until the webview listens. */
  setFilter(filter: TimelineFilter): void {
    this.#channel.post({ type: 'didSetFilter', filter });
  }

  override dispose(): void {
    if (this.isDisposed) return;
    super.dispose();
    this.panel.dispose();
  }

  private start(): void {
    for (const message of timelineSnapshotMessages(this.model)) this.#channel.post(message);
    this.#unsubscribeModel = this.model.subscribe((change) => this.#channel.post(timelineChangeMessage(change, this.model.cursorMs)));
  }

  private stop(): void {
    this.#unsubscribeModel?.();
    this.#unsubscribeModel = undefined;
  }

  private receive(message: Exclude<TimelineWebviewMessage, { readonly type: 'ready' }>): void {
    switch (message.type) {
      case 'revealTool':
      case 'revealSource':
        handleCommonMessage(message);
        return;
      case 'showStateAt':
        this.#cursorAtMs = message.atMs;
        this.#cursorMoves.request();
        return;
      default:
        assertNever(message);
    }
  }
}

/** Opens (or focuses) the timeline; the extension's `lockInspector.showTimeline` command calls it. */
export interface TimelineOpener {
  showTimeline(filter?: TimelineFilter): void;
}

/** Registers the timeline's serializer and returns the function that opens it; everything goes with `context`. */
export function registerTimelinePanel(context: vscode.ExtensionContext, model: TimelineModel): TimelineOpener {
  let current: TimelinePanel | undefined;
  const adopt = (timeline: TimelinePanel): TimelinePanel => {
    current?.dispose();
    current = timeline;
    timeline.panel.onDidDispose(() => current === timeline && (current = undefined));
    context.subscriptions.push(timeline);
    return timeline;
  };
  context.subscriptions.push(
    vscode.window.registerWebviewPanelSerializer(TimelinePanel.viewType, {
      deserializeWebviewPanel: async (panel) => void adopt(TimelinePanel.revive(panel, context.extensionUri, model)),
    }),
  );
  return {
    showTimeline(filter?: TimelineFilter): void {
      const timeline = current ?? adopt(TimelinePanel.create(context.extensionUri, model));
      timeline.panel.reveal();
      if (filter) timeline.setFilter(parseTimelineFilter(filter));
    },
  };
}

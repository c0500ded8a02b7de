import * as vscode from 'vscode';
import type { InspectorModelReader, InspectorSnapshot } from '../../contract/inspectorSnapshot';
import { RecentIncrease } from '../../contract/recentIncrease';
import { statusBarFigures } from './statusBarFigures';
import { Disposable } from '../dispose';
import type { LaunchedServer } from '../lifecycle/serverManager';

/** The status bar item: held / waiting, and timeouts and deadlocks per minute, in words; a click opens the timeline. */
export class LockStatusBar extends Disposable {
  private readonly item = this._register(vscode.window.createStatusBarItem('lockInspector.status', vscode.StatusBarAlignment.Left, 50));
  private readonly recentTimeouts = new RecentIncrease();
  private readonly recentDeadlocks = new RecentIncrease();

  constructor(
    private readonly model: InspectorModelReader,
    private readonly server: LaunchedServer,
    showTimelineCommand: string,
  ) {
    super();
    this.item.name = 'MCP Lock Inspector';
    this.item.command = showTimelineCommand;
    this._register({ dispose: model.subscribe((change) => this.render(change.snapshot)) });
    this._register(server.onDidChangeState(() => this.render(this.model.snapshot())));
    // Without new events the per-minute figures still fall, so the item is redrawn now and then.
    const redraw = setInterval(() => this.render(this.model.snapshot()), 5_000);
    this._register({ dispose: () => clearInterval(redraw) });
    this.render(model.snapshot());
    this.item.show();
  }

  private render(snapshot: InspectorSnapshot): void {
    const recent = { timeouts: this.recentTimeouts.sample(snapshot.atMs, snapshot.totals.timeouts), deadlocks: this.recentDeadlocks.sample(snapshot.atMs, snapshot.totals.deadlocks) };
    const figures = statusBarFigures(snapshot, this.server.info.state, recent);
    this.item.text = figures.text;
    this.item.accessibilityInformation = { label: figures.accessibleLabel };
    const tooltip = new vscode.MarkdownString(figures.tooltip, true);
    this.item.tooltip = tooltip;
    this.item.backgroundColor = figures.background ? new vscode.ThemeColor(figures.background) : undefined;
  }
}

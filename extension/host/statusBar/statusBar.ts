import * as vscode from 'vscode';
import type { InspectorModelReader, InspectorSnapshot } from '../../contract/inspectorSnapshot';
import { statusBarFigures } from './statusBarFigures';
import { Disposable } from '../dispose';
import type { LaunchedServer } from '../lifecycle/serverManager';

/** The status bar item: held / waiting / timeouts at a glance; a click opens the timeline. */
export class LockStatusBar extends Disposable {
  private readonly item = this._register(vscode.window.createStatusBarItem('lockInspector.status', vscode.StatusBarAlignment.Left, 50));

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
    this.render(model.snapshot());
    this.item.show();
  }

  private render(snapshot: InspectorSnapshot): void {
    const figures = statusBarFigures(snapshot, this.server.info.state);
    this.item.text = figures.text;
    this.item.accessibilityInformation = { label: figures.accessibleLabel };
    const tooltip = new vscode.MarkdownString(figures.tooltip, true);
    this.item.tooltip = tooltip;
    this.item.backgroundColor = figures.background ? new vscode.ThemeColor(figures.background) : undefined;
  }
}

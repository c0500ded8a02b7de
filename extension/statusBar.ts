import * as vscode from 'vscode';
import type { InspectorModelReader, InspectorSnapshot } from './inspector/inspectorSnapshot';
import type { ServerState } from './protocol';
import { Disposable } from './util/dispose';
import type { ServerStatus } from './views/serverStatus';

/** What the status bar item says: locks held, calls waiting, timeouts since the last clear. */
export interface StatusBarFigures {
  readonly text: string;
  readonly accessibleLabel: string;
  readonly tooltip: string;
  /** A theme color id for the background, when something needs attention. */
  readonly background?: 'statusBarItem.errorBackground' | 'statusBarItem.warningBackground';
}

const SERVER_STATE_WORDS: Readonly<Record<ServerState, string>> = {
  stopped: 'stopped',
  starting: 'starting…',
  running: 'running',
  crashed: 'crashed',
};

/** The item's content for a snapshot and the launched server's state. */
export function statusBarFigures(snapshot: InspectorSnapshot, serverState: ServerState): StatusBarFigures {
  const { held, waiting, timeouts, deadlocks } = snapshot.totals;
  const connected = snapshot.sources.filter((source) => source.connected);
  const crashed = serverState === 'crashed' ? '$(debug-disconnect) ' : '';
  const tooltip = [
    '**MCP Lock Inspector**',
    '',
    `$(lock) ${held} held · $(watch) ${waiting} waiting · $(error) ${timeouts} timeouts · ${deadlocks} deadlocks`,
    '',
    `Launched server: ${SERVER_STATE_WORDS[serverState]}`,
    `Sources connected: ${connected.length ? connected.map((source) => `${source.label} (${source.kind}, pid ${source.pid})`).join(', ') : 'none'}`,
    '',
    'Click to open the lock timeline.',
  ].join('\n\n');
  return {
    text: `${crashed}$(lock) ${held} $(watch) ${waiting} $(error) ${timeouts}`,
    accessibleLabel: `Lock Inspector: ${held} held, ${waiting} waiting, ${timeouts} timeouts${serverState === 'crashed' ? ', server crashed' : ''}`,
    tooltip,
    ...(deadlocks > 0 || serverState === 'crashed'
      ? { background: 'statusBarItem.errorBackground' as const }
      : timeouts > 0
        ? { background: 'statusBarItem.warningBackground' as const }
        : {}),
  };
}

/** The status bar item: held / waiting / timeouts at a glance; a click opens the timeline. */
export class LockStatusBar extends Disposable {
  private readonly item = this._register(vscode.window.createStatusBarItem('lockInspector.status', vscode.StatusBarAlignment.Left, 50));

  constructor(
    private readonly model: InspectorModelReader,
    private readonly server: ServerStatus,
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
    const figures = statusBarFigures(snapshot, this.server.state);
    this.item.text = figures.text;
    this.item.accessibilityInformation = { label: figures.accessibleLabel };
    const tooltip = new vscode.MarkdownString(figures.tooltip, true);
    this.item.tooltip = tooltip;
    this.item.backgroundColor = figures.background ? new vscode.ThemeColor(figures.background) : undefined;
  }
}

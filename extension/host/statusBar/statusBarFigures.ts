import type { InspectorSnapshot } from '../../contract/inspectorSnapshot';
import type { ServerState } from '../../contract/webviewMessages';

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
    `$(lock) ${held} held · $(watch) ${waiting} waiting · $(error) ${counted(timeouts, 'timeout')} · ${counted(deadlocks, 'deadlock')}`,
    '',
    `Launched server: ${SERVER_STATE_WORDS[serverState]}`,
    `Sources connected: ${connected.length ? connected.map((source) => `${source.label} (${source.kind}, pid ${source.pid})`).join(', ') : 'none'}`,
    '',
    'Click to open the lock timeline.',
  ].join('\n\n');
  return {
    text: `${crashed}$(lock) ${held} $(watch) ${waiting} $(error) ${timeouts}`,
    accessibleLabel: `Lock Inspector: ${held} held, ${waiting} waiting, ${counted(timeouts, 'timeout')}${serverState === 'crashed' ? ', server crashed' : ''}`,
    tooltip,
    ...(deadlocks > 0 || serverState === 'crashed'
      ? { background: 'statusBarItem.errorBackground' as const }
      : timeouts > 0
        ? { background: 'statusBarItem.warningBackground' as const }
        : {}),
  };
}

function counted(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

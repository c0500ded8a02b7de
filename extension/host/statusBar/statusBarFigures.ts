import type { InspectorSnapshot } from '../../contract/inspectorSnapshot';
import type { ServerState } from '../../contract/webviewMessages';
import { countOf } from '../../contract/describe';

/** What the status bar item says: locks held, calls waiting, and the timeouts and deadlocks of the last minute. */
export interface StatusBarFigures {
  readonly text: string;
  readonly accessibleLabel: string;
  readonly tooltip: string;
  /** A theme color id for the background, when something needs attention now; the text says what it is. */
  readonly background?: 'statusBarItem.errorBackground' | 'statusBarItem.warningBackground';
}

/** Rises of the cumulative counts over the last minute (see RecentIncrease). */
export interface RecentIncidents {
  readonly timeouts: number;
  readonly deadlocks: number;
}

const SERVER_STATE_WORDS: Readonly<Record<ServerState, string>> = {
  stopped: 'stopped',
  starting: 'starting…',
  running: 'running',
  crashed: 'crashed',
};

/** The item's content for a snapshot, the launched server's state and the last minute's incidents. */
export function statusBarFigures(snapshot: InspectorSnapshot, serverState: ServerState, recent: RecentIncidents): StatusBarFigures {
  const { held, waiting, timeouts, deadlocks } = snapshot.totals;
  const connected = snapshot.sources.filter((source) => source.connected);
  const tooltip = [
    '**MCP Lock Inspector**',
    '',
    `$(lock) ${held} held · $(watch) ${waiting} waiting`,
    `In the last minute: ${countOf(recent.timeouts, 'timeout')}, ${countOf(recent.deadlocks, 'deadlock')} averted. Since the last clear: ${countOf(timeouts, 'timeout')}, ${countOf(deadlocks, 'deadlock')}.`,
    '',
    `Launched server: ${SERVER_STATE_WORDS[serverState]}`,
    `Sources connected: ${connected.length ? connected.map((source) => `${source.label} (${source.kind}, pid ${source.pid})`).join(', ') : 'none'}`,
    '',
    'Click to open the lock timeline.',
  ].join('\n\n');
  if (serverState === 'crashed') {
    return { text: '$(debug-disconnect) Locks: server crashed', accessibleLabel: 'Lock Inspector: the launched server crashed', tooltip, background: 'statusBarItem.errorBackground' };
  }
  if (connected.length === 0) {
    const words = `no server reporting (launched server ${SERVER_STATE_WORDS[serverState]})`;
    return { text: `$(lock) Locks: ${serverState === 'starting' ? 'starting…' : 'no server'}`, accessibleLabel: `Lock Inspector: ${words}`, tooltip };
  }
  // The alarm covers the last minute only, so it ends when the trouble does; the totals are in the tooltip.
  const incidents = [recent.deadlocks > 0 && `$(error) ${recent.deadlocks} deadlocks/min`, recent.timeouts > 0 && `$(warning) ${recent.timeouts} timeouts/min`].filter(Boolean);
  return {
    text: [`$(lock) ${held} held`, `$(watch) ${waiting} waiting`, ...incidents].join(' '),
    accessibleLabel: `Lock Inspector: ${held} held, ${waiting} waiting, in the last minute ${countOf(recent.timeouts, 'timeout')} and ${countOf(recent.deadlocks, 'deadlock')}`,
    tooltip,
    ...(recent.deadlocks > 0 ? { background: 'statusBarItem.errorBackground' as const } : recent.timeouts > 0 ? { background: 'statusBarItem.warningBackground' as const } : {}),
  };
}

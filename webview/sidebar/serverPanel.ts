import type { InspectorSnapshot, SourceInfo } from '../../extension/inspector/inspectorSnapshot';
import type { ServerState } from '../../extension/protocol';
import { codicon } from '../shared/codicons';
import { el, iconButton } from '../shared/dom';
import { formatCount } from '../shared/format';

/** The server buttons and the demo button ask the host for these. */
export interface ServerPanelActions {
  startServer(): void;
  stopServer(): void;
  restartServer(): void;
  runDemo(): void;
  openTimeline(): void;
}

const STATE_TEXT: Record<ServerState, string> = {
  stopped: 'Demo server stopped',
  starting: 'Demo server starting…',
  running: 'Demo server running',
  crashed: 'Demo server crashed',
};

const KIND_TEXT: Record<SourceInfo['kind'], string> = { launched: 'launched here', chat: 'chat agent', debug: 'debug session', external: 'external' };

/** The launched server's state and controls, the connected sources, and the live totals. */
export class ServerPanel {
  readonly element: HTMLElement;
  #renderedKey = '';

  constructor(private readonly actions: ServerPanelActions) {
    this.element = el('section', { class: 'server-panel', 'aria-label': 'Server and sources' });
  }

  /** Before any data the empty state below has the one button that matters, so only the server row shows. */
  show(serverState: ServerState, snapshot: InspectorSnapshot, hasData: boolean): void {
    const { totals, sources } = snapshot;
    const key = JSON.stringify([serverState, hasData, totals, sources.map((source) => [source.id, source.label, source.kind, source.connected, source.eventsReceived, source.eventsDroppedBySource, source.linesRejected])]);
    if (key === this.#renderedKey) return;
    this.#renderedKey = key;
    const controls =
      serverState === 'running' || serverState === 'starting'
        ? [
            iconButton('debug-stop', 'Stop server', () => this.actions.stopServer(), { iconOnly: true }),
            iconButton('debug-restart', 'Restart server', () => this.actions.restartServer(), { iconOnly: true }),
          ]
        : [iconButton('play', serverState === 'crashed' ? 'Start again' : 'Start', () => this.actions.startServer(), { className: 'button primary compact' })];
    this.element.replaceChildren(
      el(
        'div',
        { class: 'server-row', 'data-state': serverState },
        el('span', { class: 'server-state-dot', 'aria-hidden': 'true' }),
        el('span', { class: 'server-state', role: 'status' }, STATE_TEXT[serverState]),
        el('span', { class: 'server-controls' }, ...controls),
      ),
      ...(hasData
        ? [
            el(
              'div',
              { class: 'actions-row' },
              iconButton('run-all', 'Run parallel calls', () => this.actions.runDemo(), { title: 'Start the demo server if needed and fire a wave of parallel tool calls' }),
              iconButton('graph-line', 'Open timeline', () => this.actions.openTimeline()),
            ),
            totalsRow(totals),
          ]
        : []),
      ...(sources.length > 0 ? [el('ul', { class: 'sources', 'aria-label': 'Sources reporting lock events' }, ...sources.map(sourceItem))] : []),
    );
  }
}

function totalsRow(totals: InspectorSnapshot['totals']): HTMLElement {
  const chip = (value: number, label: string, className: string): HTMLElement =>
    el('span', { class: `total ${className}${value > 0 ? ' nonzero' : ''}` }, el('strong', {}, formatCount(value)), ` ${label}`);
  return el(
    'div',
    { class: 'totals', role: 'group', 'aria-label': 'Totals' },
    chip(totals.held, 'held', 'held'),
    chip(totals.waiting, 'waiting', 'waiting'),
    chip(totals.timeouts, totals.timeouts === 1 ? 'timeout' : 'timeouts', 'failed'),
    chip(totals.deadlocks, totals.deadlocks === 1 ? 'deadlock' : 'deadlocks', 'failed'),
  );
}

function sourceItem(source: SourceInfo): HTMLElement {
  const problems = [
    source.eventsDroppedBySource > 0 && `${formatCount(source.eventsDroppedBySource)} dropped`,
    source.linesRejected > 0 && `${formatCount(source.linesRejected)} rejected`,
  ].filter(Boolean);
  return el(
    'li',
    { class: `source${source.connected ? ' connected' : ''}`, title: `pid ${source.pid}` },
    codicon(source.connected ? 'plug' : 'debug-disconnect'),
    el('span', { class: 'source-label' }, source.label),
    el('span', { class: 'muted' }, ` ${KIND_TEXT[source.kind]}${source.connected ? '' : ', gone'} · ${formatCount(source.eventsReceived)} events`),
    problems.length > 0 && el('span', { class: 'source-problems' }, ` · ${problems.join(', ')}`),
  );
}

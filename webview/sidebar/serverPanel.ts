import type { InspectorSnapshot, SourceInfo } from '../../extension/contract/inspectorSnapshot';
import type { ServerState } from '../../extension/contract/webviewMessages';
import { codicon } from '../shared/codicons';
import { el, iconButton, setText } from '../shared/dom';
import { formatCount } from '../shared/format';
import { RecentIncrease } from '../../extension/contract/recentIncrease';
import { countOf, describeSource } from '../../extension/contract/describe';
import { hasGaps, KIND_TEXT, sourceDetail, sourceGapsExplained } from './sourceDetail';

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


/** The launched server's state and controls, the connected sources, and the live totals. */
export class ServerPanel {
  readonly element: HTMLElement;
  #structureKey = '';
  /** Text that changes with every snapshot, updated in place so a snapshot costs no rebuild (and no layout of new nodes). */
  readonly #totals = new Map<keyof InspectorSnapshot['totals'], { readonly chip: HTMLElement; readonly singular: string; readonly plural: string }>();
  /** Timeouts and deadlocks read as a rate over the last minute, their totals in the chip's tooltip. */
  readonly #rates = new Map<'timeouts' | 'deadlocks', { readonly chip: HTMLElement; readonly noun: string; readonly recent: RecentIncrease }>([
    ['timeouts', { chip: el('span', { class: 'total failed' }), noun: 'timeouts', recent: new RecentIncrease() }],
    ['deadlocks', { chip: el('span', { class: 'total failed' }), noun: 'deadlocks', recent: new RecentIncrease() }],
  ]);
  readonly #sourceCounts = new Map<string, HTMLElement>();
  #goneSourcesOpen = false;

  constructor(private readonly actions: ServerPanelActions) {
    this.element = el('section', { class: 'server-panel', 'aria-label': 'Server and sources' });
  }

  /** Before any data the empty state below has the one button that matters, so only the server row shows. */
  show(serverState: ServerState, snapshot: InspectorSnapshot, hasData: boolean): void {
    const { totals, sources } = snapshot;
    const structureKey = JSON.stringify([serverState, hasData, sources.map((source) => [source.id, source.label, source.kind, source.connected])]);
    if (structureKey !== this.#structureKey) {
      this.#structureKey = structureKey;
      this.build(serverState, sources, hasData);
    }
    for (const [name, { chip, singular, plural }] of this.#totals) {
      const value = totals[name];
      setText(chip, `${formatCount(value)} ${value === 1 ? singular : plural}`);
      chip.classList.toggle('nonzero', value > 0);
    }
    for (const [name, { chip, noun, recent }] of this.#rates) {
      const total = totals[name];
      const perMinute = recent.sample(snapshot.atMs, total);
      setText(chip, `${formatCount(perMinute)} ${noun}/min`);
      chip.title = `${formatCount(perMinute)} ${noun} in the last minute, ${formatCount(total)} since the last clear`;
      chip.classList.toggle('nonzero', perMinute > 0);
    }
    for (const source of sources) {
      const counts = this.#sourceCounts.get(source.id);
      if (!counts) continue;
      setText(counts, sourceDetail(source));
      counts.title = sourceGapsExplained(source);
      counts.classList.toggle('has-problems', hasGaps(source));
    }
  }

  private build(serverState: ServerState, sources: readonly SourceInfo[], hasData: boolean): void {
    const controls =
      serverState === 'running' || serverState === 'starting'
        ? [
            iconButton('debug-stop', 'Stop server', () => this.actions.stopServer(), { iconOnly: true }),
            iconButton('debug-restart', 'Restart server', () => this.actions.restartServer(), { iconOnly: true }),
          ]
        : [iconButton('play', serverState === 'crashed' ? 'Start again' : 'Start', () => this.actions.startServer(), { className: 'button primary compact' })];
    this.#totals.clear();
    this.#sourceCounts.clear();
    const total = (name: keyof InspectorSnapshot['totals'], singular: string, plural: string, className: string): HTMLElement => {
      const chip = el('span', { class: `total ${className}` });
      this.#totals.set(name, { chip, singular, plural });
      return chip;
    };
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
            el(
              'div',
              { class: 'totals', role: 'group', 'aria-label': 'Totals' },
              total('held', 'held', 'held', 'held'),
              total('waiting', 'waiting', 'waiting', 'waiting'),
              this.#rates.get('timeouts')!.chip,
              this.#rates.get('deadlocks')!.chip,
            ),
          ]
        : []),
      ...this.sourceLists(sources),
    );
  }

  /** Connected sources listed; gone ones (every restart leaves one) folded into one closed line under them. */
  private sourceLists(sources: readonly SourceInfo[]): HTMLElement[] {
    const connected = sources.filter((source) => source.connected);
    const gone = sources.filter((source) => !source.connected).reverse();
    const list = (items: readonly SourceInfo[], label: string) => el('ul', { class: 'sources', 'aria-label': label }, ...items.map((source) => this.sourceItem(source)));
    const lists = connected.length > 0 ? [list(connected, 'Sources reporting lock events')] : [];
    if (gone.length === 0) return lists;
    const folded = el(
      'details',
      { class: 'gone-sources', open: this.#goneSourcesOpen },
      el('summary', { class: 'muted' }, `${countOf(gone.length, 'source')} gone (their events stay in the timeline)`),
      list(gone, 'Sources that went away, newest first'),
    );
    // Rebuilt whenever a source comes or goes: remember whether the person opened it.
    folded.addEventListener('toggle', () => (this.#goneSourcesOpen = folded.open));
    return [...lists, folded];
  }

  private sourceItem(source: SourceInfo): HTMLElement {
    const detail = el('span', { class: 'source-detail muted' });
    this.#sourceCounts.set(source.id, detail);
    return el(
      'li',
      { class: `source${source.connected ? ' connected' : ''}`, title: `${describeSource(source)} (${KIND_TEXT[source.kind]})` },
      codicon(source.connected ? 'plug' : 'debug-disconnect'),
      el('span', { class: 'source-label' }, describeSource(source)),
      detail,
    );
  }
}

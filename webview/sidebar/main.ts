import type { InspectorSnapshot, ResourceView } from '../../extension/contract/inspectorSnapshot';
import type { DemoLoadState, ServerState, SidebarHostMessage, SidebarWebviewMessage, TimelineFilter } from '../../extension/contract/webviewMessages';
import { describeSource } from '../../extension/contract/describe';
import { assertNever } from '../shared/assertNever';
import { codicon } from '../shared/codicons';
import { el, iconButton, setText } from '../shared/dom';
import { formatCount } from '../shared/format';
import { connectToHost, type HostBridge } from '../shared/hostBridge';
import { HostClock } from '../shared/hostClock';
import { ToolPalette } from '../shared/toolPalette';
import { CallerList } from './callerList';
import { DebugPauseBanner } from './debugPauseBanner';
import { DemoBanner } from './demoBanner';
import { orderResources, type ResourceQuery, type ResourceSort } from './resourceOrder';
import { ResourceTable } from './resourceTable';
import { ServerPanel } from './serverPanel';
import { TimeCursorBanner } from './timeCursorBanner';
import { ToolTable } from './toolTable';
import { WarningList } from './warningList';

/** How often "held for" and "ago" figures tick. */
const TICK_MS = 500;

const SORT_LABELS: readonly (readonly [ResourceSort, string])[] = [
  ['busy', 'Busy first'],
  ['queue', 'Longest queue'],
  ['waitP95', 'Slowest wait (p95)'],
  ['timeouts', 'Most failures'],
  ['name', 'Name'],
];

/** What the sidebar keeps through reloads. */
interface SidebarViewState {
  readonly query: ResourceQuery;
}

/** The Locks view: server and sources, warnings, tools and live resources; or, before any data, a short lesson. */
class SidebarApp {
  readonly #host: HostBridge<SidebarWebviewMessage, SidebarViewState>;
  readonly #clock = new HostClock();
  readonly #palette = new ToolPalette();
  readonly #serverPanel: ServerPanel;
  readonly #demoBanner: DemoBanner;
  readonly #debugPause = new DebugPauseBanner();
  readonly #timeCursor: TimeCursorBanner;
  #pausedSession: string | undefined;
  #demo: DemoLoadState | undefined;
  readonly #warnings: WarningList;
  readonly #tools: ToolTable;
  readonly #callers = new CallerList();
  readonly #callerSection: HTMLElement;
  readonly #callerCount: HTMLElement;
  readonly #resources: ResourceTable;
  readonly #emptyState: HTMLElement;
  readonly #sections: HTMLElement;
  readonly #warningCount: HTMLElement;
  readonly #toolCount: HTMLElement;
  readonly #resourceCount: HTMLElement;
  readonly #filterInput: HTMLInputElement;
  readonly #sortSelect: HTMLSelectElement;
  readonly #busyBox: HTMLInputElement;
  #snapshot: InspectorSnapshot | undefined;
  #serverState: ServerState = 'stopped';
  #query: ResourceQuery = { sort: 'busy', text: '', onlyBusy: false };
  #renderScheduled = false;
  readonly #root: HTMLElement;

  constructor(root: HTMLElement) {
    this.#root = root;
    this.#host = connectToHost<SidebarHostMessage, SidebarWebviewMessage, SidebarViewState>((message) => this.receive(message));
    this.#query = { ...this.#query, ...this.#host.savedState?.query };
    const post = (message: SidebarWebviewMessage): void => this.#host.post(message);
    const openTimeline = (filter?: TimelineFilter): void => post({ type: 'showTimeline', filter });
    this.#serverPanel = new ServerPanel({
      startServer: () => post({ type: 'startServer' }),
      stopServer: () => post({ type: 'stopServer' }),
      restartServer: () => post({ type: 'restartServer' }),
      runDemo: () => post({ type: 'runDemo' }),
      openTimeline: () => openTimeline(),
    });
    this.#timeCursor = new TimeCursorBanner({ showLive: () => post({ type: 'showLive' }) });
    this.#demoBanner = new DemoBanner({
      revealTool: (tool) => post({ type: 'revealTool', tool }),
      setDeadlockPair: (enabled) => post({ type: 'setDemoDeadlockPair', enabled }),
    });
    this.#warnings = new WarningList(
      {
        revealTool: (tool) => post({ type: 'revealTool', tool }),
        revealSource: (location) => post({ type: 'revealSource', location }),
        openTimeline: (resource) => openTimeline({ resource }),
      },
      this.#palette,
    );
    this.#tools = new ToolTable({ filterTimeline: (tool) => openTimeline({ tool }), revealTool: (tool) => post({ type: 'revealTool', tool }) }, this.#palette);
    this.#resources = new ResourceTable(
      {
        // A row merged over replicas is every replica's: the timeline shows all their lanes of it.
        openTimeline: (resource: ResourceView) => openTimeline(resource.replicas === undefined ? { resource: resource.id, sourceId: resource.sourceId } : { resource: resource.id }),
        sortBy: (sort) => this.setQuery({ ...this.#query, sort }),
      },
      this.#palette,
    );

    this.#filterInput = el('input', { type: 'search', placeholder: 'Filter by resource or tool', 'aria-label': 'Filter resources by id or tool', spellcheck: 'false', value: this.#query.text });
    this.#filterInput.addEventListener('input', () => this.setQuery({ ...this.#query, text: this.#filterInput.value }));
    this.#sortSelect = el('select', { 'aria-label': 'Sort resources' }, ...SORT_LABELS.map(([value, label]) => el('option', { value }, label)));
    this.#sortSelect.value = this.#query.sort;
    this.#sortSelect.addEventListener('change', () => this.setQuery({ ...this.#query, sort: this.#sortSelect.value as ResourceSort }));
    this.#busyBox = el('input', { type: 'checkbox', checked: this.#query.onlyBusy });
    this.#busyBox.addEventListener('change', () => this.setQuery({ ...this.#query, onlyBusy: this.#busyBox.checked }));

    this.#warningCount = el('span', { class: 'count' });
    this.#toolCount = el('span', { class: 'count' });
    this.#resourceCount = el('span', { class: 'count' });
    this.#callerCount = el('span', { class: 'count' });
    this.#callerSection = section('Callers', this.#callerCount, this.#callers.element);
    this.#emptyState = this.emptyState();
    this.#sections = el(
      'div',
      { class: 'sections' },
      section('Warnings', this.#warningCount, this.#warnings.element),
      section('Tools', this.#toolCount, el('p', { class: 'muted section-hint' }, 'Click a tool to see only its calls in the timeline.'), this.#tools.element),
      this.#callerSection,
      section(
        'Resources',
        this.#resourceCount,
        el('div', { class: 'resource-toolbar' }, this.#filterInput, el('div', { class: 'resource-toolbar-row' }, this.#sortSelect, el('label', { class: 'checkbox' }, this.#busyBox, 'Only busy'))),
        this.#resources.element,
      ),
    );
    // The time cursor's banner heads the view and stays in sight with the server panel.
    const head = el('div', { class: 'sticky-head' }, this.#timeCursor.element, this.#serverPanel.element);
    root.append(head, this.#debugPause.element, this.#demoBanner.element, this.#emptyState, this.#sections);
    // The resource toolbar sticks just below the (sticky) head, whose height varies.
    new ResizeObserver(() => document.documentElement.style.setProperty('--server-panel-height', `${head.offsetHeight}px`)).observe(head);
    window.addEventListener('scroll', () => this.#resources.render(this.viewNowMs()), { passive: true });
    window.addEventListener('resize', () => this.#resources.render(this.viewNowMs()));
    document.addEventListener('keydown', (event) => {
      // Escape in the filter box clears the filter first, as search boxes do.
      if (event.key !== 'Escape' || this.#snapshot?.stateAtMs === undefined || (event.target === this.#filterInput && this.#filterInput.value !== '')) return;
      event.preventDefault();
      post({ type: 'clearTimeCursor' });
    });
    window.setInterval(() => this.tick(), TICK_MS);
    this.render();
  }

  private receive(message: SidebarHostMessage): void {
    switch (message.type) {
      case 'didSnapshot':
        this.#serverState = message.serverState;
        this.setSnapshot(message.snapshot);
        break;
      case 'didChangeSnapshot':
        this.setSnapshot(message.snapshot);
        break;
      case 'didChangeServerState':
        this.#serverState = message.serverState;
        break;
      case 'didChangeDemo':
        this.#demo = message.demo;
        break;
      case 'didChangeDebugPause':
        this.#pausedSession = message.pausedSession;
        break;
      default:
        assertNever(message);
    }
    this.scheduleRender();
  }

  private setSnapshot(snapshot: InspectorSnapshot): void {
    this.#snapshot = snapshot;
    // A snapshot at a time cursor says nothing of the host's clock now.
    if (snapshot.stateAtMs === undefined) this.#clock.sync(snapshot.atMs);
    this.#palette.update(snapshot.toolColorSlots, snapshot.tools.map((tool) => tool.tool));
  }

  private setQuery(query: ResourceQuery): void {
    this.#query = query;
    this.#sortSelect.value = query.sort;
    this.#host.saveState({ query });
    this.scheduleRender();
  }

  /** Renders once per animation frame however many snapshots arrived. */
  private scheduleRender(): void {
    if (this.#renderScheduled) return;
    this.#renderScheduled = true;
    requestAnimationFrame(() => {
      this.#renderScheduled = false;
      this.render();
    });
  }

  private render(): void {
    const snapshot = this.#snapshot ?? emptySnapshot();
    const nowMs = this.viewNowMs();
    this.#timeCursor.show(snapshot.stateAtMs);
    const hasData = snapshot.sources.length > 0 || snapshot.resources.length > 0 || snapshot.tools.length > 0;
    this.#serverPanel.show(this.#serverState, snapshot, hasData);
    this.#demoBanner.show(this.#serverState, this.#demo);
    this.#debugPause.show(this.#pausedSession, snapshot);
    this.#emptyState.hidden = hasData;
    this.#sections.hidden = !hasData;
    if (!hasData) return;
    this.#warnings.show(snapshot.warnings, nowMs);
    setText(this.#warningCount, snapshot.warnings.length > 0 ? formatCount(snapshot.warnings.length) : '');
    this.#warningCount.classList.toggle('alert', snapshot.warnings.some((warning) => warning.kind === 'deadlock'));
    this.#tools.show(snapshot.tools);
    setText(this.#toolCount, snapshot.tools.length > 0 ? formatCount(snapshot.tools.length) : '');
    const callers = snapshot.callers ?? [];
    this.#callerSection.hidden = callers.length === 0;
    this.#callers.show(callers);
    setText(this.#callerCount, callers.length > 0 ? formatCount(callers.length) : '');
    const rows = orderResources(snapshot.resources, this.#query, nowMs);
    setText(this.#resourceCount, rows.length === snapshot.resources.length ? formatCount(rows.length) : `${formatCount(rows.length)} of ${formatCount(snapshot.resources.length)}`);
    // In a row the pid tells the runs apart in little room; the tooltip names the source in full.
    const labels = new Map(snapshot.sources.map((source) => [source.id, { short: `pid ${source.pid}`, full: describeSource(source) }]));
    this.#resources.setRows(rows, this.#query.sort, nowMs, (sourceId) => labels.get(sourceId) ?? { short: sourceId, full: sourceId }, snapshot.sources.length > 1);
    // Tests and the benchmark read how current the view is from here.
    this.#root.dataset['renderedSnapshotAtMs'] = String(snapshot.atMs);
  }

  /** The instant the view shows: the time cursor's, standing still, or the host's time now. */
  private viewNowMs(): number {
    return this.#snapshot?.stateAtMs ?? this.#clock.now();
  }

  private tick(): void {
    if (!this.#snapshot || document.hidden) return;
    const nowMs = this.viewNowMs();
    this.#resources.render(nowMs);
    this.#warnings.tick(nowMs);
  }

  private emptyState(): HTMLElement {
    return el(
      'section',
      { class: 'empty-state', 'aria-label': 'Getting started' },
      el('div', { class: 'empty-icon', 'aria-hidden': 'true' }, codicon('lock')),
      el('h2', {}, 'See the locks inside your MCP server'),
      el('p', {}, 'When a client fires tool calls in parallel, handlers that share state take locks. This view shows, live, who holds each lock, who waits in line, and where calls time out or deadlock.'),
      iconButton('run-all', 'Start demo server and run parallel calls', () => this.#host.post({ type: 'runDemo' }), { className: 'button primary wide' }),
      el('p', { class: 'muted' }, 'The demo is a small bank whose transfers share balances. Within seconds you will see queues form, a timeout or two, and a deadlock the lock library stops before it happens.'),
      el(
        'p',
        { class: 'muted' },
        'Your own server reports here too: use the lock library ',
        el('code', {}, 'mcp-lock-inspector/locks'),
        ' and start the server from VS Code.',
      ),
    );
  }
}

function section(title: string, count: HTMLElement, ...content: Node[]): HTMLElement {
  return el('details', { class: 'section', open: true }, el('summary', {}, el('h2', {}, title), count), ...content);
}

function emptySnapshot(): InspectorSnapshot {
  return { atMs: Date.now(), sources: [], resources: [], tools: [], warnings: [], totals: { held: 0, waiting: 0, timeouts: 0, deadlocks: 0, events: 0, linesRejected: 0 } };
}

new SidebarApp(document.getElementById('root') ?? document.body);

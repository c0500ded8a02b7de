import type { SourceInfo } from '../../extension/contract/inspectorSnapshot';
import { describeSource } from '../../extension/contract/describe';
import type { TimelineFilter, TimelineHeader, TimelineHostMessage, TimelineLaneOrder, TimelineViewState, TimelineWebviewMessage } from '../../extension/contract/webviewMessages';
import { assertNever } from '../shared/assertNever';
import { el, prefersReducedMotion, setText } from '../shared/dom';
import { connectToHost, type HostBridge } from '../shared/hostBridge';
import { HostClock } from '../shared/hostClock';
import { onThemeChange } from '../shared/themeColors';
import { ToolPalette } from '../shared/toolPalette';
import { visibleRows, type RowRange } from '../shared/virtualRange';
import { DetailsPanel } from './detailsPanel';
import { selectLanes } from './laneSelection';
import { describeItem, type ItemDescription } from './timelineDetails';
import { itemTimeMs, TimelineInput } from './timelineInput';
import { LAYOUT, TimelineRenderer, type LanePick } from './timelineRenderer';
import { TimelineStore, type Lane } from './timelineStore';
import { TimelineStatus } from './timelineStatus';
import { TimelineToolbar, timelineLegend, toolLegend } from './timelineToolbar';
import { TimelineViewport } from './timelineViewport';

/** How often the lane list may be re-filtered and re-sorted while events stream in. */
const LANE_REFRESH_MS = 250;
/** While live and untouched, the view follows the clock at about 30 frames a second; data and input draw at once. */
const LIVE_FRAME_MS = 33;

/** The lock timeline webview: swimlanes on a canvas, fed by the host's snapshot and streamed events. */
class TimelineApp {
  readonly #store = new TimelineStore();
  readonly #palette = new ToolPalette();
  readonly #clock = new HostClock();
  readonly #host: HostBridge<TimelineWebviewMessage, TimelineViewState>;
  readonly #toolbar: TimelineToolbar;
  readonly #toolLegend = el('div', { class: 'legend tool-legend', 'aria-label': 'Tool colours' });
  readonly #viewport: TimelineViewport;
  readonly #input: TimelineInput;
  readonly #details: DetailsPanel;
  readonly #renderer: TimelineRenderer;
  readonly #root: HTMLElement;
  readonly #scroller: HTMLElement;
  readonly #spacer: HTMLElement;
  readonly #status = new TimelineStatus(() => this.applyFilter({}));
  readonly #announcer: HTMLElement;
  readonly #reducedMotion = prefersReducedMotion();

  #filter: TimelineFilter = {};
  #laneOrder: TimelineLaneOrder = 'name';
  #sources: readonly SourceInfo[] = [];
  #toolNames: readonly string[] = [];
  #lanes: Lane[] = [];
  #lanesVersion = -1;
  #lanesSelectedAtMs = 0;
  #lanesStale = true;
  #frameRequested = false;
  #liveTimer: number | undefined;
  #renderedThroughMs = 0;
  #receivedAnything = false;

  constructor(root: HTMLElement) {
    this.#root = root;
    this.#host = connectToHost<TimelineHostMessage, TimelineWebviewMessage, TimelineViewState>((message) => this.receive(message));
    this.#spacer = el('div', { class: 'spacer' });
    this.#scroller = el(
      'div',
      {
        class: 'scroller',
        tabindex: 0,
        role: 'application',
        'aria-roledescription': 'lock timeline',
        'aria-label': 'Lock timeline. Up and Down move between resources, Left and Right between events, Enter opens the handler, plus and minus zoom, Space pauses.',
        'aria-describedby': 'timeline-announcer',
      },
      this.#spacer,
    );
    this.#viewport = new TimelineViewport(this.#scroller, this.#clock, this.#store, {
      zoomChanged: () => this.save(),
      pauseChanged: (paused) => this.announce(paused ? 'Paused. Drag or use the arrow keys to look around; Space returns to live.' : 'Live: following the newest events.'),
      moved: () => this.requestFrame(),
    });
    this.restore(this.#host.savedState);
    this.#toolbar = new TimelineToolbar({
      togglePause: () => this.#viewport.setPaused(!this.#viewport.paused),
      zoom: (factor) => this.#input.zoomAroundSelection(factor),
      fit: () => this.#viewport.fit(),
      setFilter: (filter) => this.setFilter(filter),
      setLaneOrder: (order) => {
        this.#laneOrder = order;
        this.lanesChanged();
      },
    });
    this.#details = new DetailsPanel({
      describe: (pick) => this.describe(pick),
      revealTool: (tool) => this.revealTool(tool),
      narrowFilter: (narrowing) => this.applyFilter({ ...this.#filter, ...narrowing }),
      close: () => this.#input.select(undefined),
      announce: (text) => this.announce(text),
    });
    this.#input = new TimelineInput(this.#scroller, {
      store: this.#store,
      clock: this.#clock,
      viewport: this.#viewport,
      lanes: () => this.#lanes,
      describe: (pick) => this.describe(pick),
      showDetails: (pick) => {
        this.#details.show(pick);
        // The selection is the time cursor: the sidebar shows the state at that event.
        this.#host.post({ type: 'showStateAt', atMs: pick ? itemTimeMs(pick.item) : undefined });
      },
      revealTool: (tool) => this.revealTool(tool),
      announce: (text) => this.announce(text),
      requestFrame: () => this.requestFrame(),
    });
    const canvas = el('canvas', { class: 'lanes-canvas', 'aria-hidden': 'true' });
    this.#announcer = el('div', { id: 'timeline-announcer', class: 'visually-hidden', 'aria-live': 'polite' });
    root.append(
      el(
        'div',
        { class: 'timeline' },
        this.#toolbar.element,
        el('div', { class: 'stage' }, canvas, this.#scroller, this.#status.overlay, this.#input.tooltip),
        this.#details.element,
        el('footer', { class: 'status' }, this.#status.statusLine, this.#toolLegend, timelineLegend()),
      ),
      this.#status.laneSummary,
      this.#announcer,
    );
    this.#renderer = new TimelineRenderer(canvas, this.#palette);
    this.#toolbar.showFilter(this.#filter, this.#laneOrder);
    onThemeChange(() => {
      this.#renderer.refreshTheme();
      this.requestFrame();
    });
    new ResizeObserver(() => this.requestFrame()).observe(this.#scroller);
    if (this.#reducedMotion) window.setInterval(() => this.requestFrame(), 1000);
    this.requestFrame();
  }

  private receive(message: TimelineHostMessage): void {
    switch (message.type) {
      case 'didSnapshot':
        this.#store.clear();
        this.#store.ingest(message.events);
        this.#store.reconcileBusy(message.busy);
        this.applyHeader(message.header);
        break;
      case 'didChangeLocks':
        if (message.cleared) {
          this.#store.clear();
          this.#input.forgetItems();
        }
        this.#store.ingest(message.events);
        this.applyHeader(message.header);
        break;
      case 'didSetFilter':
        this.applyFilter(message.filter);
        break;
      default:
        assertNever(message);
    }
    this.#receivedAnything = true;
    // While live, the next clock frame (at most LIVE_FRAME_MS away) draws the new events; this caps frames at ~30 a second.
    if (this.#liveTimer === undefined) this.requestFrame();
  }

  private applyHeader(header: TimelineHeader): void {
    this.#clock.sync(header.atMs);
    this.#sources = header.sources;
    if (header.tools.join('\u0000') !== this.#toolNames.join('\u0000')) {
      this.#toolNames = header.tools;
      this.#palette.update(header.toolColorSlots, header.tools);
      this.#toolLegend.replaceChildren(...toolLegend(header.tools, this.#palette));
    }
    this.#toolbar.showChoices(this.#toolNames, this.#sources);
  }

  private restore(saved: Partial<TimelineViewState> | undefined): void {
    if (!saved) return;
    this.#filter = saved.filter ?? {};
    this.#laneOrder = saved.laneOrder ?? 'name';
    // A restored panel starts live: what it was paused on is long gone.
    this.#viewport.restoreZoom(saved.msPerPixel);
  }

  private save(): void {
    this.#host.saveState({ filter: this.#filter, msPerPixel: this.#viewport.msPerPixel, laneOrder: this.#laneOrder });
  }

  private setFilter(filter: TimelineFilter): void {
    this.#filter = filter;
    this.lanesChanged();
  }

  /** A filter that did not come from the toolbar: the toolbar shows it too. */
  private applyFilter(filter: TimelineFilter): void {
    this.setFilter(filter);
    this.#toolbar.showFilter(this.#filter, this.#laneOrder);
  }

  private lanesChanged(): void {
    this.#lanesStale = true;
    this.save();
    this.requestFrame();
  }

  private requestFrame(): void {
    if (this.#frameRequested) return;
    this.#frameRequested = true;
    requestAnimationFrame(() => {
      this.#frameRequested = false;
      this.frame();
      // Live and moving: keep scrolling with the clock, unless the person asked for less motion.
      window.clearTimeout(this.#liveTimer);
      this.#liveTimer = undefined;
      if (!this.#viewport.paused && !this.#reducedMotion && this.#store.lanes.size > 0 && !document.hidden) {
        this.#liveTimer = window.setTimeout(() => {
          this.#liveTimer = undefined;
          this.requestFrame();
        }, LIVE_FRAME_MS);
      }
    });
  }

  private frame(): void {
    const now = performance.now();
    if (this.#lanesStale || (this.#lanesVersion !== this.#store.laneSetVersion && now - this.#lanesSelectedAtMs >= LANE_REFRESH_MS) || (this.#laneOrder === 'recent' && now - this.#lanesSelectedAtMs >= LANE_REFRESH_MS * 4)) {
      this.#lanesVersion = this.#store.laneSetVersion;
      this.#lanes = selectLanes(this.#store.lanes.values(), this.#filter, this.#laneOrder);
      this.#lanesSelectedAtMs = now;
      this.#lanesStale = false;
      this.#spacer.style.height = `${LAYOUT.axisHeight + this.#lanes.length * LAYOUT.laneHeight}px`;
      this.#input.keepFocusWithin(this.#lanes);
    }
    const widthPx = this.#scroller.clientWidth;
    const heightPx = this.#scroller.clientHeight;
    const rows = this.visibleLaneRows();
    const paused = this.#viewport.paused;
    this.#renderer.resize(widthPx, heightPx);
    const window = this.#viewport.timeWindow();
    this.#renderer.draw({
      widthPx,
      heightPx,
      gutterPx: this.#viewport.gutterWidth(),
      window,
      lanes: this.#lanes,
      rows,
      scrollTop: this.#scroller.scrollTop,
      nowMs: this.#clock.now(),
      live: !paused,
      focusTool: this.#filter.tool,
      focusedLane: this.#input.focusedLane,
      selected: this.#input.selected,
      hovered: this.#input.hovered,
      sourceLabelOf: this.#sources.length > 1 ? (lane) => this.sourceLabel(lane.sourceId) : undefined,
    });
    if (this.#store.newestEventMs !== this.#renderedThroughMs) {
      this.#renderedThroughMs = this.#store.newestEventMs;
      // Tests and the benchmark read how current the drawing is from here.
      this.#root.dataset['renderedThroughMs'] = String(this.#renderedThroughMs);
    }
    // Where a time is drawn follows from these two; tests check that a zoom keeps the selected event in place.
    this.#root.dataset['windowEndMs'] = String(window.endMs);
    this.#root.dataset['msPerPixel'] = String(window.msPerPixel);
    this.#toolbar.showClock(paused, window.widthPx * window.msPerPixel);
    this.#status.show({ store: this.#store, lanes: this.#lanes, rows, sources: this.#sources, paused, receivedAnything: this.#receivedAnything, nowMs: this.#clock.now(), frameMs: now });
  }

  private visibleLaneRows(): RowRange {
    return visibleRows(this.#scroller.scrollTop, this.#scroller.clientHeight - LAYOUT.axisHeight, LAYOUT.laneHeight, this.#lanes.length, 2);
  }

  private describe(pick: LanePick): ItemDescription {
    return describeItem(pick.item, pick.lane, this.#clock.now(), this.sourceLabel(pick.lane.sourceId));
  }

  private sourceLabel(sourceId: string): string {
    const source = this.#sources.find((candidate) => candidate.id === sourceId);
    return source ? describeSource(source) : sourceId;
  }

  private revealTool(tool: string): void {
    this.#host.post({ type: 'revealTool', tool });
  }

  private announce(text: string): void {
    setText(this.#announcer, text);
  }
}

new TimelineApp(document.getElementById('root') ?? document.body);

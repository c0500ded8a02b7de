import type { SourceInfo } from '../../extension/contract/inspectorSnapshot';
import { describeSource } from '../../extension/contract/describe';
import type { LockOwner } from '../../extension/contract/lockEvents';
import type {
  TimelineColorBy,
  TimelineFilter,
  TimelineHeader,
  TimelineHostMessage,
  TimelineLaneGrouping,
  TimelineLaneOrder,
  TimelineViewState,
  TimelineWebviewMessage,
} from '../../extension/contract/webviewMessages';
import { assertNever } from '../shared/assertNever';
import { el, prefersReducedMotion, setText } from '../shared/dom';
import { connectToHost, type HostBridge } from '../shared/hostBridge';
import { HostClock } from '../shared/hostClock';
import { onThemeChange } from '../shared/themeColors';
import { ToolPalette } from '../shared/toolPalette';
import { visibleRows, type RowRange } from '../shared/virtualRange';
import { DetailsPanel } from './detailsPanel';
import { selectLanes } from './laneSelection';
import { TimeCursor, type CursorGap } from './timeCursor';
import { describeItem, type ItemDescription } from './timelineDetails';
import { cursorTimeOf, TimelineInput } from './timelineInput';
import { LAYOUT, TimelineRenderer, type LanePick } from './timelineRenderer';
import { replicaSourceOf, TimelineStore, type LaneView } from './timelineStore';
import { TimelineStatus } from './timelineStatus';
import { colorLegend, TimelineToolbar, timelineLegend } from './timelineToolbar';
import { TimelineViewport } from './timelineViewport';

/** How often the lane list may be re-filtered and re-sorted while events stream in. */
const LANE_REFRESH_MS = 250;
/** While live and untouched, the view follows the clock at about 30 frames a second; data and input draw at once. */
const LIVE_FRAME_MS = 33;
/** While the cursor is dragged the host hears of it at most this often: each time it rebuilds the state at that instant from history. */
const CURSOR_POST_INTERVAL_MS = 100;

/** The lock timeline webview: swimlanes on a canvas, fed by the host's snapshot and streamed events. */
class TimelineApp {
  readonly #store = new TimelineStore();
  readonly #palette = new ToolPalette();
  /** Replicas get colours of their own, assigned in name order. */
  readonly #replicaPalette = new ToolPalette();
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
  readonly #cursor = new TimeCursor({
    moved: () => {
      this.#cursorUnposted = true;
      this.requestFrame();
    },
  });

  #filter: TimelineFilter = {};
  #laneOrder: TimelineLaneOrder = 'name';
  #colorBy: TimelineColorBy = 'tool';
  #laneGrouping: TimelineLaneGrouping = 'source';
  #sources: readonly SourceInfo[] = [];
  #toolNames: readonly string[] = [];
  /** What the colour legend lists now, so it is rebuilt only when that changes. */
  #legendKey = '';
  #lanes: LaneView[] = [];
  /** The cursor moved since the host was last told; the next frame tells it, at most every CURSOR_POST_INTERVAL_MS. */
  #cursorUnposted = false;
  #cursorPostedAtMs = -Infinity;
  #cursorPostTimer: number | undefined;
  /** What the host was last told, and where the host's last header put the cursor. */
  #cursorPosted: number | undefined;
  #hostCursorMs: number | undefined;
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
        'aria-label':
          'Lock timeline. Up and Down move between resources, Left and Right between events of one, Shift with Left and Right moves the time cursor event by event across all of them, Enter opens the code, Escape returns to now, plus and minus zoom, Space pauses.',
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
      setColorBy: (colorBy) => {
        this.#colorBy = colorBy;
        this.lanesChanged();
      },
      setLaneGrouping: (grouping) => {
        this.#laneGrouping = grouping;
        this.#input.forgetItems();
        this.#details.show(undefined);
        this.lanesChanged();
      },
    });
    this.#details = new DetailsPanel({
      describe: (pick) => this.describe(pick),
      revealTool: (tool) => this.revealTool(tool),
      revealSource: (location) => this.revealSource(location),
      narrowFilter: (narrowing) => this.applyFilter({ ...this.#filter, ...narrowing }),
      close: () => this.#input.select(undefined),
      announce: (text) => this.announce(text),
    });
    this.#input = new TimelineInput(this.#scroller, {
      store: this.#store,
      clock: this.#clock,
      viewport: this.#viewport,
      cursor: this.#cursor,
      lanes: () => this.#lanes,
      describe: (pick) => this.describe(pick),
      showDetails: (pick) => this.#details.show(pick),
      revealTool: (tool) => this.revealTool(tool),
      revealSource: (location) => this.revealSource(location),
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
        el('div', { class: 'stage' }, canvas, this.#scroller, this.#cursor.element, this.#status.overlay, this.#input.tooltip),
        this.#details.element,
        el('footer', { class: 'status' }, this.#status.statusLine, this.#toolLegend, timelineLegend()),
      ),
      this.#status.laneSummary,
      this.#announcer,
    );
    this.#renderer = new TimelineRenderer(canvas);
    this.#toolbar.showFilter(this.#filter, this.#laneOrder);
    this.#toolbar.showDisplay(this.#colorBy, this.#laneGrouping, false);
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
        this.noteLeases(message.header.sources);
        this.#store.ingest(message.events);
        this.#store.reconcileBusy(message.busy, replicaSourceOf(message.header.sources));
        this.applyHeader(message.header);
        break;
      case 'didChangeLocks':
        if (message.cleared) {
          this.#store.clear();
          this.#input.forgetItems();
        }
        this.noteLeases(message.header.sources);
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
    // Somebody else took the cursor away (the sidebar's Escape, Show Live) after the host had caught up with ours.
    if (header.cursorMs === undefined && this.#hostCursorMs !== undefined && this.#hostCursorMs === this.#cursorPosted && this.#cursor.atMs !== undefined) {
      this.#cursorPosted = undefined;
      this.#input.select(undefined);
    }
    this.#hostCursorMs = header.cursorMs;
    this.#sources = header.sources;
    if (header.tools.join('\u0000') !== this.#toolNames.join('\u0000')) {
      this.#toolNames = header.tools;
      this.#palette.update(header.toolColorSlots, header.tools);
    }
    this.#toolbar.showChoices(this.#toolNames, this.#sources);
  }

  /** The colour legend and the colour and lane controls, as they are for what is drawn now. */
  private showColors(): void {
    const replicas = [...this.#store.replicas].sort();
    const names = this.#colorBy === 'replica' ? replicas : this.#toolNames;
    const key = `${this.#colorBy}\u0001${names.join('\u0000')}`;
    if (key !== this.#legendKey) {
      this.#legendKey = key;
      this.#replicaPalette.update(undefined, replicas);
      const palette = this.#colorBy === 'replica' ? this.#replicaPalette : this.#palette;
      this.#toolLegend.replaceChildren(...colorLegend(names, palette));
      this.#toolLegend.setAttribute('aria-label', this.#colorBy === 'replica' ? 'Replica colours' : 'Tool colours');
    }
    this.#toolbar.showDisplay(this.#colorBy, this.#laneGrouping, this.#sources.length > 1 || replicas.length > 0);
  }

  /** A call's colour slot: its replica's when colouring by replica, else its tool's. */
  private slotOf(owner: LockOwner | undefined): number {
    return this.#colorBy === 'replica' ? this.#replicaPalette.slotOf(owner?.replica) : this.#palette.slotOf(owner?.tool);
  }

  /** Tells the store how long each replica's holds outlive it, before it reads a replica going away. */
  private noteLeases(sources: readonly SourceInfo[]): void {
    for (const source of sources) if (source.leaseMs !== undefined) this.#store.leaseMsBySource.set(source.id, source.leaseMs);
  }

  private restore(saved: Partial<TimelineViewState> | undefined): void {
    if (!saved) return;
    this.#filter = saved.filter ?? {};
    this.#laneOrder = saved.laneOrder ?? 'name';
    this.#colorBy = saved.colorBy ?? 'tool';
    this.#laneGrouping = saved.laneGrouping ?? 'source';
    // A restored panel starts live: what it was paused on is long gone.
    this.#viewport.restoreZoom(saved.msPerPixel);
  }

  private save(): void {
    this.#host.saveState({ filter: this.#filter, msPerPixel: this.#viewport.msPerPixel, laneOrder: this.#laneOrder, colorBy: this.#colorBy, laneGrouping: this.#laneGrouping });
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
      const lanes = this.#laneGrouping === 'resource' ? this.#store.mergedLanes() : this.#store.lanes.values();
      this.#lanes = selectLanes<LaneView>(lanes, this.#filter, this.#laneOrder, (sourceId) => this.sourceRank(sourceId));
      this.showColors();
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
      // A lane of every source (lanes per resource) is named by its resource alone: the bars' colours and details say whose.
      sourceLabelOf: this.#sources.length > 1 && this.#laneGrouping === 'source' ? (lane) => this.sourceLabel(lane.sourceIds[0]!) : undefined,
      slotOf: (owner) => this.slotOf(owner),
    });
    this.#cursor.place(window, this.#viewport.gutterWidth(), this.#clock.now(), this.selectedMarkerGap());
    if (this.#cursorUnposted) this.postCursor();
    if (this.#store.newestEventMs !== this.#renderedThroughMs) {
      this.#renderedThroughMs = this.#store.newestEventMs;
      // Tests and the benchmark read how current the drawing is from here.
      this.#root.dataset['renderedThroughMs'] = String(this.#renderedThroughMs);
    }
    // Where a time is drawn follows from these two; tests check that a zoom keeps the selected event in place.
    this.#root.dataset['windowEndMs'] = String(window.endMs);
    this.#root.dataset['msPerPixel'] = String(window.msPerPixel);
    this.#toolbar.showClock(paused, window.widthPx * window.msPerPixel);
    this.#status.show({ store: this.#store, lanes: this.#lanes, laneCount: this.#laneGrouping === 'resource' ? this.#store.mergedLaneCount : this.#store.lanes.size, rows, sources: this.#sources, paused, receivedAnything: this.#receivedAnything, nowMs: this.#clock.now(), frameMs: now });
  }

  /** The selected marker's lane, when the cursor stands on that marker: the line leaves it out so the marker shows whole. */
  private selectedMarkerGap(): CursorGap | undefined {
    const selected = this.#input.selected;
    if (!selected || !('marker' in selected.item) || this.#cursor.atMs !== cursorTimeOf(selected.item)) return undefined;
    const row = this.#lanes.indexOf(selected.lane);
    if (row < 0) return undefined;
    const topPx = LAYOUT.axisHeight + row * LAYOUT.laneHeight - this.#scroller.scrollTop;
    return { topPx, bottomPx: topPx + LAYOUT.laneHeight };
  }

  /** Tells the host where the cursor is (the sidebar shows the state then), unless it was told that last or was told too recently. */
  private postCursor(): void {
    const atMs = this.#cursor.atMs;
    // Tests read where the cursor is from here.
    if (atMs === undefined) delete this.#root.dataset['cursorMs'];
    else this.#root.dataset['cursorMs'] = String(atMs);
    const waitMs = this.#cursorPostedAtMs + CURSOR_POST_INTERVAL_MS - performance.now();
    if (waitMs > 0 && atMs !== undefined) {
      this.#cursorPostTimer ??= window.setTimeout(() => {
        this.#cursorPostTimer = undefined;
        this.postCursor();
      }, waitMs);
      return;
    }
    this.#cursorUnposted = false;
    if (atMs === this.#cursorPosted) return;
    this.#cursorPosted = atMs;
    this.#cursorPostedAtMs = performance.now();
    this.#host.post({ type: 'showStateAt', atMs });
  }

  private visibleLaneRows(): RowRange {
    return visibleRows(this.#scroller.scrollTop, this.#scroller.clientHeight - LAYOUT.axisHeight, LAYOUT.laneHeight, this.#lanes.length, 2);
  }

  private describe(pick: LanePick): ItemDescription {
    const nowMs = this.#clock.now();
    const sourceId = 'span' in pick.item ? pick.lane.sourceIdOf(pick.item.span, nowMs) : pick.item.marker.event.sourceId;
    return describeItem(pick.item, pick.lane, nowMs, this.sourceLabel(sourceId));
  }

  /** Where a source's lanes go when lanes are ordered by source: in the order the sources connected. */
  private sourceRank(sourceId: string): number {
    const index = this.#sources.findIndex((source) => source.id === sourceId);
    return index === -1 ? this.#sources.length : index;
  }

  private revealSource(location: string): void {
    this.#host.post({ type: 'revealSource', location });
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

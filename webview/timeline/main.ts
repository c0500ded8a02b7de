import type { SourceInfo } from '../../extension/contract/inspectorSnapshot';
import type { TimelineFilter, TimelineHeader, TimelineHostMessage, TimelineLaneOrder, TimelineViewState, TimelineWebviewMessage } from '../../extension/contract/webviewMessages';
import { assertNever } from '../shared/assertNever';
import { el, iconButton, prefersReducedMotion, setText } from '../shared/dom';
import { formatCount, formatDuration, formatOwner } from '../shared/format';
import { connectToHost, type HostBridge } from '../shared/hostBridge';
import { HostClock } from '../shared/hostClock';
import { onThemeChange } from '../shared/themeColors';
import { ToolPalette } from '../shared/toolPalette';
import { visibleRows, type RowRange } from '../shared/virtualRange';
import { selectLanes } from './laneSelection';
import { describeItem, type TimelineItem } from './timelineDetails';
import { LAYOUT, TimelineRenderer, type LanePick } from './timelineRenderer';
import { TimelineStore, type Lane } from './timelineStore';
import { TimelineToolbar, timelineLegend } from './timelineToolbar';
import { DEFAULT_MS_PER_PIXEL, clampZoom, fitWindow, panBy, xToTime, zoomAround, type TimeWindow } from './timeScale';

/** How often the lane list may be re-filtered and re-sorted while events stream in. */
const LANE_REFRESH_MS = 250;
/** How often the screen-reader summary of the visible lanes is refreshed. */
const SUMMARY_REFRESH_MS = 1000;
/** While live and untouched, the view follows the clock at about 30 frames a second; data and input draw at once. */
const LIVE_FRAME_MS = 33;
/** Pixels of slack when pointing at a bar or marker. */
const HIT_TOLERANCE_PX = 4;

/** The lock timeline webview: swimlanes on a canvas, fed by the host's snapshot and streamed events. */
class TimelineApp {
  readonly #store = new TimelineStore();
  readonly #palette = new ToolPalette();
  readonly #clock = new HostClock();
  readonly #host: HostBridge<TimelineWebviewMessage, TimelineViewState>;
  readonly #toolbar: TimelineToolbar;
  readonly #renderer: TimelineRenderer;
  readonly #root: HTMLElement;
  readonly #scroller: HTMLElement;
  readonly #spacer: HTMLElement;
  readonly #canvas: HTMLCanvasElement;
  readonly #tooltip: HTMLElement;
  readonly #details: HTMLElement;
  readonly #overlay: HTMLElement;
  readonly #status: HTMLElement;
  readonly #laneSummary: HTMLElement;
  readonly #announcer: HTMLElement;
  readonly #reducedMotion = prefersReducedMotion();

  #filter: TimelineFilter = {};
  #laneOrder: TimelineLaneOrder = 'name';
  #msPerPixel = DEFAULT_MS_PER_PIXEL;
  #paused = false;
  /** Right edge of the window while paused. */
  #pausedEndMs = 0;
  #sources: readonly SourceInfo[] = [];
  #toolNames: readonly string[] = [];
  #lanes: Lane[] = [];
  #lanesVersion = -1;
  #lanesSelectedAtMs = 0;
  #lanesStale = true;
  #focusedLane: Lane | undefined;
  #selected: LanePick | undefined;
  #hovered: LanePick | undefined;
  #drag: { readonly startX: number; readonly lastX: number; moved: boolean } | undefined;
  #frameRequested = false;
  #liveTimer: number | undefined;
  #renderedThroughMs = 0;
  #summaryAtMs = 0;
  #receivedAnything = false;

  constructor(root: HTMLElement) {
    this.#root = root;
    this.#host = connectToHost<TimelineHostMessage, TimelineWebviewMessage, TimelineViewState>((message) => this.receive(message));
    this.restore(this.#host.savedState);
    this.#toolbar = new TimelineToolbar({
      togglePause: () => this.setPaused(!this.#paused),
      zoom: (factor) => this.zoom(factor, undefined),
      fit: () => this.fit(),
      setFilter: (filter) => this.setFilter(filter),
      setLaneOrder: (order) => {
        this.#laneOrder = order;
        this.lanesChanged();
      },
    });
    this.#canvas = el('canvas', { class: 'lanes-canvas', 'aria-hidden': 'true' });
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
    this.#tooltip = el('div', { class: 'tooltip', role: 'tooltip', hidden: true });
    this.#overlay = el('div', { class: 'overlay', hidden: true });
    this.#details = el('section', { class: 'details', 'aria-label': 'Selected event', hidden: true });
    this.#status = el('span', { class: 'status-text' });
    this.#laneSummary = el('ul', { class: 'visually-hidden', 'aria-label': 'Visible resources' });
    this.#announcer = el('div', { id: 'timeline-announcer', class: 'visually-hidden', 'aria-live': 'polite' });
    root.append(
      el('div', { class: 'timeline' }, this.#toolbar.element, el('div', { class: 'stage' }, this.#canvas, this.#scroller, this.#overlay, this.#tooltip), this.#details, el('footer', { class: 'status' }, this.#status, timelineLegend())),
      this.#laneSummary,
      this.#announcer,
    );
    this.#renderer = new TimelineRenderer(this.#canvas, this.#palette);
    this.#toolbar.showFilter(this.#filter, this.#laneOrder);
    this.wireInput();
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
          this.#selected = undefined;
          this.#hovered = undefined;
        }
        this.#store.ingest(message.events);
        this.applyHeader(message.header);
        break;
      case 'didSetFilter':
        this.setFilter(message.filter);
        this.#toolbar.showFilter(this.#filter, this.#laneOrder);
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
    for (const source of header.sources) {
      const before = this.#sources.find((known) => known.id === source.id);
      if (before?.connected && !source.connected) this.#store.closeSource(source.id);
    }
    this.#sources = header.sources;
    if (header.tools.join('\u0000') !== this.#toolNames.join('\u0000')) {
      this.#toolNames = header.tools;
      this.#palette.update(header.tools);
    }
    this.#toolbar.showChoices(this.#toolNames, this.#sources);
  }

  private restore(saved: Partial<TimelineViewState> | undefined): void {
    if (!saved) return;
    this.#filter = saved.filter ?? {};
    this.#laneOrder = saved.laneOrder ?? 'name';
    // A restored panel starts live: what it was paused on is long gone.
    this.#msPerPixel = clampZoom(saved.msPerPixel ?? DEFAULT_MS_PER_PIXEL);
  }

  private save(): void {
    this.#host.saveState({ filter: this.#filter, msPerPixel: this.#msPerPixel, laneOrder: this.#laneOrder });
  }

  private setFilter(filter: TimelineFilter): void {
    this.#filter = filter;
    this.lanesChanged();
  }

  private lanesChanged(): void {
    this.#lanesStale = true;
    this.save();
    this.requestFrame();
  }

  private setPaused(paused: boolean): void {
    if (paused === this.#paused) return;
    this.#paused = paused;
    if (paused) this.#pausedEndMs = this.#clock.now();
    this.announce(paused ? 'Paused. Drag or use the arrow keys to look around; Space returns to live.' : 'Live: following the newest events.');
    this.requestFrame();
  }

  private zoom(factor: number, anchorX: number | undefined): void {
    const window = this.timeWindow();
    // Live zoom keeps "now" at the right edge; paused zoom keeps the pointed-at time in place.
    const zoomed = zoomAround(window, this.#paused && anchorX !== undefined ? anchorX : window.widthPx, factor);
    this.#msPerPixel = zoomed.msPerPixel;
    if (this.#paused) this.#pausedEndMs = zoomed.endMs;
    this.save();
    this.requestFrame();
  }

  private fit(): void {
    let oldestMs = Infinity;
    for (const lane of this.#store.lanes.values()) {
      const first = lane.spans[lane.spanHead];
      if (first) oldestMs = Math.min(oldestMs, first.startMs);
      for (const open of lane.openSpans(0)) oldestMs = Math.min(oldestMs, open.startMs);
    }
    const newestMs = this.#paused ? this.#pausedEndMs : this.#clock.now();
    if (!Number.isFinite(oldestMs)) return;
    const fitted = fitWindow(oldestMs, newestMs, this.timeWindow().widthPx);
    this.#msPerPixel = fitted.msPerPixel;
    if (this.#paused) this.#pausedEndMs = fitted.endMs;
    this.save();
    this.requestFrame();
  }

  private timeWindow(): TimeWindow {
    const widthPx = Math.max(1, this.#scroller.clientWidth - this.gutterWidth());
    return { widthPx, msPerPixel: this.#msPerPixel, endMs: this.#paused ? this.#pausedEndMs : this.#clock.now() };
  }

  private gutterWidth(): number {
    return Math.round(Math.min(LAYOUT.maxGutterWidth, Math.max(LAYOUT.minGutterWidth, this.#scroller.clientWidth * 0.2)));
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
      if (!this.#paused && !this.#reducedMotion && this.#store.lanes.size > 0 && !document.hidden) {
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
      if (this.#focusedLane && !this.#lanes.includes(this.#focusedLane)) this.#focusedLane = undefined;
    }
    const widthPx = this.#scroller.clientWidth;
    const heightPx = this.#scroller.clientHeight;
    const rows = this.visibleLaneRows();
    this.#renderer.resize(widthPx, heightPx);
    const window = this.timeWindow();
    this.#renderer.draw({
      widthPx,
      heightPx,
      gutterPx: this.gutterWidth(),
      window,
      lanes: this.#lanes,
      rows,
      scrollTop: this.#scroller.scrollTop,
      nowMs: this.#clock.now(),
      live: !this.#paused,
      focusTool: this.#filter.tool,
      focusedLane: this.#focusedLane,
      selected: this.#selected,
      hovered: this.#hovered,
      sourceLabelOf: this.#sources.length > 1 ? (lane) => this.sourceLabel(lane.sourceId) : undefined,
    });
    if (this.#store.newestEventMs !== this.#renderedThroughMs) {
      this.#renderedThroughMs = this.#store.newestEventMs;
      // Tests and the benchmark read how current the drawing is from here.
      this.#root.dataset['renderedThroughMs'] = String(this.#renderedThroughMs);
    }
    this.#toolbar.showClock(this.#paused, window.widthPx * window.msPerPixel);
    this.showOverlay();
    this.showStatus();
    if (now - this.#summaryAtMs >= SUMMARY_REFRESH_MS) {
      this.#summaryAtMs = now;
      this.summariseLanes(rows);
    }
  }

  private visibleLaneRows(): RowRange {
    return visibleRows(this.#scroller.scrollTop, this.#scroller.clientHeight - LAYOUT.axisHeight, LAYOUT.laneHeight, this.#lanes.length, 2);
  }

  private showOverlay(): void {
    let message: HTMLElement | undefined;
    if (this.#store.lanes.size === 0) {
      message = el(
        'div',
        { class: 'overlay-card' },
        el('h2', {}, this.#receivedAnything ? 'No lock events yet' : 'Connecting…'),
        el('p', {}, 'Each resource gets a lane. Bars show which tool call held it and who waited; red marks are timeouts and deadlocks.'),
        el('p', {}, 'Start the demo server and fire parallel calls from the Lock Inspector view in the activity bar, or connect your own MCP server.'),
      );
    } else if (this.#lanes.length === 0) {
      message = el('div', { class: 'overlay-card' }, el('h2', {}, 'No resources match these filters'), iconButton('close', 'Clear filters', () => this.clearFilters()));
    }
    const key = message?.textContent ?? '';
    if (this.#overlay.dataset['key'] === key) return;
    this.#overlay.dataset['key'] = key;
    this.#overlay.hidden = !message;
    this.#overlay.replaceChildren(...(message ? [message] : []));
  }

  private clearFilters(): void {
    this.setFilter({});
    this.#toolbar.showFilter(this.#filter, this.#laneOrder);
  }

  private showStatus(): void {
    const connected = this.#sources.filter((source) => source.connected).length;
    const dropped = this.#sources.reduce((sum, source) => sum + source.eventsDroppedBySource, 0);
    const parts = [
      this.#paused ? 'Paused' : 'Live',
      `${formatCount(this.#lanes.length)} of ${formatCount(this.#store.lanes.size)} resources`,
      `${formatCount(this.#store.eventsIngested)} events`,
      `${connected} source${connected === 1 ? '' : 's'} connected`,
      ...(dropped > 0 ? [`${formatCount(dropped)} dropped by servers`] : []),
    ];
    setText(this.#status, parts.join(' · '));
  }

  private summariseLanes(rows: RowRange): void {
    const nowMs = this.#clock.now();
    const items: HTMLElement[] = [];
    for (let row = rows.first; row < rows.end; row++) {
      const lane = this.#lanes[row]!;
      const holders = lane.openSpans(nowMs).filter((span) => span.kind === 'hold');
      const parts = [
        holders.length === 0 ? 'idle' : `held by ${holders.map((span) => `${formatOwner(span.owner, span.chainId)} for ${formatDuration(nowMs - span.startMs)}`).join(', ')}`,
        ...(lane.openWaits.size > 0 ? [`${lane.openWaits.size} waiting`] : []),
        ...(lane.incidents > 0 ? [`${lane.incidents} timeouts or deadlocks`] : []),
      ];
      items.push(el('li', { 'data-resource': lane.resource }, `${lane.resource}: ${parts.join('; ')}`));
    }
    this.#laneSummary.replaceChildren(...items);
  }

  private sourceLabel(sourceId: string): string {
    return this.#sources.find((source) => source.id === sourceId)?.label ?? sourceId;
  }

  private announce(text: string): void {
    setText(this.#announcer, text);
  }

  private pick(clientX: number, clientY: number): LanePick | undefined {
    const bounds = this.#scroller.getBoundingClientRect();
    const x = clientX - bounds.left - this.gutterWidth();
    const y = clientY - bounds.top - LAYOUT.axisHeight + this.#scroller.scrollTop;
    if (x < 0 || clientY - bounds.top < LAYOUT.axisHeight) return undefined;
    const lane = this.#lanes[Math.floor(y / LAYOUT.laneHeight)];
    if (!lane) return undefined;
    const window = this.timeWindow();
    const atMs = xToTime(window, x);
    const toleranceMs = HIT_TOLERANCE_PX * window.msPerPixel;
    const marker = this.#store.markerNear(lane, atMs, toleranceMs * 2);
    if (marker) return { lane, item: { marker } };
    const span = this.#store.spanAt(lane, atMs, toleranceMs, this.#clock.now());
    return span ? { lane, item: { span } } : undefined;
  }

  private select(pick: LanePick | undefined, reveal = false): void {
    this.#selected = pick;
    if (pick) this.#focusedLane = pick.lane;
    this.showDetails();
    if (pick && reveal) this.revealTime(pick.item);
    this.requestFrame();
  }

  private showDetails(): void {
    const pick = this.#selected;
    if (!pick) {
      this.#details.hidden = true;
      return;
    }
    const description = describeItem(pick.item, pick.lane, this.#clock.now(), this.sourceLabel(pick.lane.sourceId));
    const tool = description.tool;
    this.#details.hidden = false;
    this.#details.replaceChildren(
      el('h2', {}, description.title),
      el('dl', {}, ...description.facts.flatMap(([label, value]) => [el('dt', {}, label), el('dd', {}, value)])),
      el(
        'div',
        { class: 'details-actions' },
        tool && iconButton('go-to-file', 'Go to handler', () => this.#host.post({ type: 'revealTool', tool }), { className: 'button primary' }),
        tool && iconButton('filter', `Only ${tool}`, () => this.applyFilterFromDetails({ ...this.#filter, tool })),
        iconButton('filter', 'Only this resource', () => this.applyFilterFromDetails({ ...this.#filter, resource: pick.lane.resource })),
        iconButton('close', 'Close', () => this.select(undefined), { iconOnly: true }),
      ),
    );
    this.announce(`${description.title}. ${description.facts.map(([label, value]) => `${label}: ${value}`).join('. ')}`);
  }

  private applyFilterFromDetails(filter: TimelineFilter): void {
    this.setFilter(filter);
    this.#toolbar.showFilter(this.#filter, this.#laneOrder);
  }

  /** Brings an item into view, pausing so it stays there. */
  private revealTime(item: TimelineItem): void {
    const window = this.timeWindow();
    const atMs = 'span' in item ? item.span.startMs : item.marker.atMs;
    const fromMs = xToTime(window, 0);
    if (atMs >= fromMs && atMs <= window.endMs) return;
    this.setPaused(true);
    this.#pausedEndMs = atMs + (window.widthPx * window.msPerPixel) / 2;
  }

  private wireInput(): void {
    const scroller = this.#scroller;
    scroller.addEventListener('scroll', () => this.requestFrame(), { passive: true });
    scroller.addEventListener(
      'wheel',
      (event) => {
        const bounds = scroller.getBoundingClientRect();
        const x = event.clientX - bounds.left - this.gutterWidth();
        if (event.ctrlKey || event.metaKey) {
          event.preventDefault();
          this.zoom(Math.exp(event.deltaY * 0.002), x);
        } else if (event.shiftKey || Math.abs(event.deltaX) > Math.abs(event.deltaY)) {
          event.preventDefault();
          this.panBy(-(event.shiftKey ? event.deltaY : event.deltaX));
        }
      },
      { passive: false },
    );
    scroller.addEventListener('pointerdown', (event) => {
      if (event.button !== 0) return;
      this.#drag = { startX: event.clientX, lastX: event.clientX, moved: false };
      scroller.setPointerCapture(event.pointerId);
    });
    scroller.addEventListener('pointermove', (event) => {
      const drag = this.#drag;
      if (drag) {
        if (!drag.moved && Math.abs(event.clientX - drag.startX) > 3) drag.moved = true;
        if (drag.moved) {
          this.panBy(event.clientX - drag.lastX);
          this.#drag = { ...drag, lastX: event.clientX };
          this.hideTooltip();
          return;
        }
      }
      this.hover(event);
    });
    scroller.addEventListener('pointerup', (event) => {
      const drag = this.#drag;
      this.#drag = undefined;
      if (drag && !drag.moved) this.select(this.pick(event.clientX, event.clientY));
    });
    scroller.addEventListener('pointerleave', () => this.hideTooltip());
    scroller.addEventListener('dblclick', (event) => {
      const tool = this.pickTool(this.pick(event.clientX, event.clientY));
      if (tool) this.#host.post({ type: 'revealTool', tool });
    });
    scroller.addEventListener('keydown', (event) => this.onKey(event));
  }

  private pickTool(pick: LanePick | undefined): string | undefined {
    if (!pick) return undefined;
    return 'span' in pick.item ? pick.item.span.owner?.tool : pick.item.marker.event.owner?.tool;
  }

  private panBy(deltaX: number): void {
    if (!this.#paused) this.setPaused(true);
    this.#pausedEndMs = panBy(this.timeWindow(), deltaX).endMs;
    this.requestFrame();
  }

  private hover(event: PointerEvent): void {
    const pick = this.pick(event.clientX, event.clientY);
    const changed = pick?.item !== this.#hovered?.item && !(pick && this.#hovered && sameItem(pick.item, this.#hovered.item));
    this.#hovered = pick;
    if (!pick) {
      this.hideTooltip();
      return;
    }
    if (changed) {
      const description = describeItem(pick.item, pick.lane, this.#clock.now(), this.sourceLabel(pick.lane.sourceId));
      this.#tooltip.replaceChildren(
        el('strong', {}, description.title),
        el('span', {}, description.facts.slice(0, 3).map(([label, value]) => `${label}: ${value}`).join(' · ')),
        el('span', { class: 'tooltip-hint' }, 'Click for details, double-click to open the handler'),
      );
      this.requestFrame();
    }
    this.#tooltip.hidden = false;
    const bounds = this.#scroller.getBoundingClientRect();
    const left = Math.min(event.clientX - bounds.left + 14, bounds.width - this.#tooltip.offsetWidth - 8);
    const top = event.clientY - bounds.top + 18;
    this.#tooltip.style.transform = `translate(${Math.max(4, left)}px, ${top + this.#tooltip.offsetHeight > bounds.height ? top - this.#tooltip.offsetHeight - 28 : top}px)`;
  }

  private hideTooltip(): void {
    if (this.#tooltip.hidden && !this.#hovered) return;
    this.#tooltip.hidden = true;
    this.#hovered = undefined;
    this.requestFrame();
  }

  private onKey(event: KeyboardEvent): void {
    const laneIndex = this.#focusedLane ? this.#lanes.indexOf(this.#focusedLane) : -1;
    const pageLanes = Math.max(1, Math.floor((this.#scroller.clientHeight - LAYOUT.axisHeight) / LAYOUT.laneHeight) - 1);
    const handled = ((): boolean => {
      switch (event.key) {
        case 'ArrowDown':
          return this.focusLane(laneIndex + 1);
        case 'ArrowUp':
          return this.focusLane(Math.max(0, laneIndex - 1));
        case 'PageDown':
          return this.focusLane(laneIndex + pageLanes);
        case 'PageUp':
          return this.focusLane(Math.max(0, laneIndex - pageLanes));
        case 'Home':
          return this.focusLane(0);
        case 'End':
          return this.focusLane(this.#lanes.length - 1);
        case 'ArrowRight':
          return this.step(1);
        case 'ArrowLeft':
          return this.step(-1);
        case 'Enter': {
          const tool = this.pickTool(this.#selected);
          if (tool) this.#host.post({ type: 'revealTool', tool });
          return tool !== undefined;
        }
        case 'Escape':
          this.select(undefined);
          return true;
        case '+':
        case '=':
          this.zoom(0.5, undefined);
          return true;
        case '-':
          this.zoom(2, undefined);
          return true;
        case '0':
          this.fit();
          return true;
        case ' ':
          this.setPaused(!this.#paused);
          return true;
        default:
          return false;
      }
    })();
    if (handled) event.preventDefault();
  }

  private focusLane(index: number): boolean {
    if (this.#lanes.length === 0) return false;
    const clamped = Math.min(this.#lanes.length - 1, Math.max(0, index));
    const lane = this.#lanes[clamped]!;
    this.#focusedLane = lane;
    const top = clamped * LAYOUT.laneHeight;
    const viewHeight = this.#scroller.clientHeight - LAYOUT.axisHeight;
    if (top < this.#scroller.scrollTop) this.#scroller.scrollTop = top;
    else if (top + LAYOUT.laneHeight > this.#scroller.scrollTop + viewHeight) this.#scroller.scrollTop = top + LAYOUT.laneHeight - viewHeight;
    const waiting = lane.openWaits.size;
    this.announce(`${lane.resource}, resource ${clamped + 1} of ${this.#lanes.length}${waiting ? `, ${waiting} waiting` : ''}${lane.incidents ? `, ${lane.incidents} incidents` : ''}`);
    this.requestFrame();
    return true;
  }

  /** Selects the previous or next bar or marker on the focused lane, by start time. */
  private step(direction: 1 | -1): boolean {
    const lane = this.#focusedLane ?? this.#lanes[0];
    if (!lane) return false;
    this.#focusedLane = lane;
    const items: TimelineItem[] = [];
    for (let index = lane.spanHead; index < lane.spans.length; index++) items.push({ span: lane.spans[index]! });
    for (const span of lane.openSpans(this.#clock.now())) items.push({ span });
    for (let index = lane.markerHead; index < lane.markers.length; index++) items.push({ marker: lane.markers[index]! });
    if (items.length === 0) return true;
    const timeOf = (item: TimelineItem): number => ('span' in item ? item.span.startMs : item.marker.atMs);
    items.sort((a, b) => timeOf(a) - timeOf(b));
    const current = this.#selected?.lane === lane ? items.findIndex((item) => sameItem(item, this.#selected!.item)) : -1;
    const next = current === -1 ? (direction === 1 ? 0 : items.length - 1) : Math.min(items.length - 1, Math.max(0, current + direction));
    this.select({ lane, item: items[next]! }, true);
    return true;
  }
}

function sameItem(a: TimelineItem, b: TimelineItem): boolean {
  if ('span' in a && 'span' in b) return a.span === b.span || (a.span.chainId === b.span.chainId && a.span.kind === b.span.kind && a.span.startMs === b.span.startMs);
  if ('marker' in a && 'marker' in b) return a.marker === b.marker;
  return false;
}

new TimelineApp(document.getElementById('root') ?? document.body);

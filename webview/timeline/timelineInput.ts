import { el } from '../shared/dom';
import { formatClock } from '../shared/format';
import type { HostClock } from '../shared/hostClock';
import type { TimeCursor } from './timeCursor';
import type { ItemDescription, TimelineItem } from './timelineDetails';
import { LAYOUT, type LanePick } from './timelineRenderer';
import type { LaneView, TimelineStore } from './timelineStore';
import type { TimelineViewport } from './timelineViewport';
import { timeToX, xToTime } from './timeScale';

/** Pixels of slack when pointing at a bar or marker. */
const HIT_TOLERANCE_PX = 4;
/** A press that moves further than this pans instead of clicking. */
const DRAG_THRESHOLD_PX = 3;

/** What the input handling reads from the timeline and asks of it. */
export interface TimelineInputHost {
  readonly store: TimelineStore;
  readonly clock: HostClock;
  readonly viewport: TimelineViewport;
  /** Where the sidebar shows the state; selecting an item moves it there. */
  readonly cursor: TimeCursor;
  /** The lanes drawn now, top to bottom. */
  lanes(): readonly LaneView[];
  describe(pick: LanePick): ItemDescription;
  /** Shows the selected item in the details panel, or hides it. */
  showDetails(pick: LanePick | undefined): void;
  revealTool(tool: string): void;
  /** Opens a `file:line:column` location. */
  revealSource(location: string): void;
  announce(text: string): void;
  requestFrame(): void;
}

/** Pointer, wheel and keyboard on the lanes: picking what is under the pointer, the tooltip, selection, lane focus, pan, zoom and the time cursor. */
export class TimelineInput {
  /** Follows the pointer over bars and markers; the timeline places it over the canvas. */
  readonly tooltip: HTMLElement = el('div', { class: 'tooltip', role: 'tooltip', hidden: true });
  #focusedLane: LaneView | undefined;
  #selected: LanePick | undefined;
  #hovered: LanePick | undefined;
  #drag: { readonly startX: number; readonly lastX: number; moved: boolean } | undefined;
  /** A press on the cursor line or the axis drags the cursor until it is let go. */
  #draggingCursor = false;

  constructor(
    private readonly scroller: HTMLElement,
    private readonly host: TimelineInputHost,
  ) {
    this.listen();
  }

  /** The lane the keyboard is on. */
  get focusedLane(): LaneView | undefined {
    return this.#focusedLane;
  }

  /** The item clicked or stepped to. */
  get selected(): LanePick | undefined {
    return this.#selected;
  }

  /** The item under the pointer. */
  get hovered(): LanePick | undefined {
    return this.#hovered;
  }

  /** Selects an item (focusing its lane) or nothing; with `reveal`, brings its time into view. */
  select(pick: LanePick | undefined, reveal = false): void {
    this.#selected = pick;
    if (pick) this.#focusedLane = pick.lane;
    this.host.showDetails(pick);
    // The selection is the time cursor: the sidebar shows the state at that event.
    this.host.cursor.set(pick ? cursorTimeOf(pick.item) : undefined);
    if (pick && reveal) this.host.viewport.reveal(itemTimeMs(pick.item));
    this.host.requestFrame();
  }

  /** Zooms the way the buttons and keys do: around the selected item, which stays where it is (so the view pauses); with nothing selected, as the viewport does without an anchor. */
  zoomAroundSelection(factor: number): void {
    const viewport = this.host.viewport;
    if (!this.#selected) return viewport.zoom(factor, undefined);
    viewport.setPaused(true);
    viewport.zoom(factor, timeToX(viewport.timeWindow(), itemTimeMs(this.#selected.item)));
  }

  /** Forgets what was selected and hovered, whose bars are gone with the cleared history. */
  forgetItems(): void {
    this.#selected = undefined;
    this.#hovered = undefined;
  }

  /** Drops the lane focus when that lane is no longer drawn. */
  keepFocusWithin(lanes: readonly LaneView[]): void {
    if (this.#focusedLane && !lanes.includes(this.#focusedLane)) this.#focusedLane = undefined;
  }

  private listen(): void {
    const { scroller, host } = this;
    scroller.addEventListener('scroll', () => host.requestFrame(), { passive: true });
    scroller.addEventListener(
      'wheel',
      (event) => {
        const bounds = scroller.getBoundingClientRect();
        const x = event.clientX - bounds.left - host.viewport.gutterWidth();
        if (event.ctrlKey || event.metaKey) {
          event.preventDefault();
          host.viewport.zoom(Math.exp(event.deltaY * 0.002), x);
        } else if (event.shiftKey || Math.abs(event.deltaX) > Math.abs(event.deltaY)) {
          event.preventDefault();
          host.viewport.panBy(-(event.shiftKey ? event.deltaY : event.deltaX));
        }
      },
      { passive: false },
    );
    scroller.addEventListener('pointerdown', (event) => {
      if (event.button !== 0) return;
      scroller.setPointerCapture(event.pointerId);
      const bounds = scroller.getBoundingClientRect();
      const onAxis = event.clientY - bounds.top < LAYOUT.axisHeight && event.clientX - bounds.left >= host.viewport.gutterWidth();
      if (onAxis || host.cursor.isOn(event.clientX)) {
        this.#draggingCursor = true;
        host.viewport.setPaused(true);
        this.hideTooltip();
        this.moveCursorTo(event.clientX);
        return;
      }
      this.#drag = { startX: event.clientX, lastX: event.clientX, moved: false };
    });
    scroller.addEventListener('pointermove', (event) => {
      if (this.#draggingCursor) return this.moveCursorTo(event.clientX);
      scroller.classList.toggle('on-cursor', host.cursor.isOn(event.clientX));
      const drag = this.#drag;
      if (drag) {
        if (!drag.moved && Math.abs(event.clientX - drag.startX) > DRAG_THRESHOLD_PX) drag.moved = true;
        if (drag.moved) {
          host.viewport.panBy(event.clientX - drag.lastX);
          this.#drag = { ...drag, lastX: event.clientX };
          this.hideTooltip();
          return;
        }
      }
      this.hover(event);
    });
    scroller.addEventListener('pointerup', (event) => {
      if (this.#draggingCursor) {
        this.#draggingCursor = false;
        const atMs = host.cursor.atMs;
        if (atMs !== undefined) host.announce(`Time cursor at ${formatClock(atMs)}. The sidebar shows the state then; Escape returns to now.`);
        return;
      }
      const drag = this.#drag;
      this.#drag = undefined;
      if (drag && !drag.moved) this.select(this.pick(event.clientX, event.clientY));
    });
    scroller.addEventListener('pointerleave', () => this.hideTooltip());
    scroller.addEventListener('dblclick', (event) => this.revealToolOf(this.pick(event.clientX, event.clientY)));
    scroller.addEventListener('keydown', (event) => this.onKey(event));
  }

  /** Puts the cursor at the time under `clientX`, within the time area. */
  private moveCursorTo(clientX: number): void {
    const window = this.host.viewport.timeWindow();
    const x = clientX - this.scroller.getBoundingClientRect().left - this.host.viewport.gutterWidth();
    this.host.cursor.set(xToTime(window, Math.min(window.widthPx, Math.max(0, x))));
    this.host.requestFrame();
  }

  /**
   * Moves the cursor to the previous or next moment anything happened on any drawn lane (a bar began or ended, a
   * marker), from where it is, else from the right edge of the view; says what happened there.
   */
  private stepCursor(direction: 1 | -1): boolean {
    const fromMs = this.host.cursor.atMs ?? (direction === 1 ? -Infinity : this.host.viewport.timeWindow().endMs);
    let best: { atMs: number; pick: LanePick } | undefined;
    const consider = (atMs: number, lane: LaneView, item: TimelineItem): void => {
      if (direction === 1 ? atMs <= fromMs : atMs >= fromMs) return;
      if (!best || (direction === 1 ? atMs < best.atMs : atMs > best.atMs)) best = { atMs, pick: { lane, item } };
    };
    const nowMs = this.host.clock.now();
    for (const lane of this.host.lanes()) {
      lane.forEachSpanIn(-Infinity, Infinity, (span) => {
        consider(span.startMs, lane, { span });
        consider(span.endMs, lane, { span });
      });
      for (const span of lane.openSpans(nowMs)) consider(span.startMs, lane, { span });
      lane.forEachMarkerIn(-Infinity, Infinity, (marker) => {
        consider(marker.startMs, lane, { marker });
        if (marker.event.type === 'lostUpdate') consider(marker.event.overwritten.atMs, lane, { marker });
        consider(marker.atMs, lane, { marker });
      });
    }
    if (!best) return true;
    const { atMs, pick } = best;
    this.host.cursor.set(atMs);
    this.host.viewport.reveal(atMs);
    this.host.announce(`${formatClock(atMs)}: ${this.host.describe(pick).title}`);
    this.host.requestFrame();
    return true;
  }

  /** The bar or marker at a point of the page, markers first (they sit on top). */
  private pick(clientX: number, clientY: number): LanePick | undefined {
    const bounds = this.scroller.getBoundingClientRect();
    const x = clientX - bounds.left - this.host.viewport.gutterWidth();
    const y = clientY - bounds.top - LAYOUT.axisHeight + this.scroller.scrollTop;
    if (x < 0 || clientY - bounds.top < LAYOUT.axisHeight) return undefined;
    const lane = this.host.lanes()[Math.floor(y / LAYOUT.laneHeight)];
    if (!lane) return undefined;
    const window = this.host.viewport.timeWindow();
    const atMs = xToTime(window, x);
    const toleranceMs = HIT_TOLERANCE_PX * window.msPerPixel;
    const marker = this.host.store.markerNear(lane, atMs, toleranceMs * 2);
    if (marker) return { lane, item: { marker } };
    const span = this.host.store.spanAt(lane, atMs, toleranceMs, this.host.clock.now());
    return span ? { lane, item: { span } } : undefined;
  }

  /** Opens the code of the item: the last site it names (a lost update's stale write), else its tool's handler; false when it names neither. */
  private revealToolOf(pick: LanePick | undefined): boolean {
    if (!pick) return false;
    const { sites, tool } = this.host.describe(pick);
    const site = sites?.at(-1);
    if (site) this.host.revealSource(site.location);
    else if (tool) this.host.revealTool(tool);
    return site !== undefined || tool !== undefined;
  }

  private hover(event: PointerEvent): void {
    const pick = this.pick(event.clientX, event.clientY);
    const changed = pick?.item !== this.#hovered?.item && !(pick && this.#hovered && sameItem(pick.item, this.#hovered.item));
    this.#hovered = pick;
    if (!pick) {
      this.hideTooltip();
      return;
    }
    const tooltip = this.tooltip;
    if (changed) {
      const description = this.host.describe(pick);
      tooltip.replaceChildren(
        el('strong', {}, description.title),
        el('span', {}, description.facts.slice(0, 3).map(([label, value]) => `${label}: ${value}`).join(' · ')),
        el('span', { class: 'tooltip-hint' }, description.sites?.length ? 'Click for details and the code of each step, double-click to open the stale write' : 'Click for details, double-click to open the handler'),
      );
      this.host.requestFrame();
    }
    tooltip.hidden = false;
    const bounds = this.scroller.getBoundingClientRect();
    const left = Math.min(event.clientX - bounds.left + 14, bounds.width - tooltip.offsetWidth - 8);
    const top = event.clientY - bounds.top + 18;
    tooltip.style.transform = `translate(${Math.max(4, left)}px, ${top + tooltip.offsetHeight > bounds.height ? top - tooltip.offsetHeight - 28 : top}px)`;
  }

  private hideTooltip(): void {
    if (this.tooltip.hidden && !this.#hovered) return;
    this.tooltip.hidden = true;
    this.#hovered = undefined;
    this.host.requestFrame();
  }

  private onKey(event: KeyboardEvent): void {
    const { viewport } = this.host;
    const lanes = this.host.lanes();
    const laneIndex = this.#focusedLane ? lanes.indexOf(this.#focusedLane) : -1;
    const pageLanes = Math.max(1, Math.floor((this.scroller.clientHeight - LAYOUT.axisHeight) / LAYOUT.laneHeight) - 1);
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
          return this.focusLane(lanes.length - 1);
        case 'ArrowRight':
          return event.shiftKey ? this.stepCursor(1) : this.step(1);
        case 'ArrowLeft':
          return event.shiftKey ? this.stepCursor(-1) : this.step(-1);
        case 'Enter':
          return this.revealToolOf(this.#selected);
        case 'Escape':
          this.select(undefined);
          return true;
        case '+':
        case '=':
          this.zoomAroundSelection(0.5);
          return true;
        case '-':
          this.zoomAroundSelection(2);
          return true;
        case '0':
          viewport.fit();
          return true;
        case ' ':
          viewport.setPaused(!viewport.paused);
          return true;
        default:
          return false;
      }
    })();
    if (handled) event.preventDefault();
  }

  private focusLane(index: number): boolean {
    const lanes = this.host.lanes();
    if (lanes.length === 0) return false;
    const clamped = Math.min(lanes.length - 1, Math.max(0, index));
    const lane = lanes[clamped]!;
    this.#focusedLane = lane;
    const scroller = this.scroller;
    const top = clamped * LAYOUT.laneHeight;
    const viewHeight = scroller.clientHeight - LAYOUT.axisHeight;
    if (top < scroller.scrollTop) scroller.scrollTop = top;
    else if (top + LAYOUT.laneHeight > scroller.scrollTop + viewHeight) scroller.scrollTop = top + LAYOUT.laneHeight - viewHeight;
    const waiting = lane.waitingCount;
    this.host.announce(`${lane.resource}, resource ${clamped + 1} of ${lanes.length}${waiting ? `, ${waiting} waiting` : ''}${lane.incidents ? `, ${lane.incidents} incidents` : ''}`);
    this.host.requestFrame();
    return true;
  }

  /** Selects the previous or next bar or marker on the focused lane, by start time. */
  private step(direction: 1 | -1): boolean {
    const lane = this.#focusedLane ?? this.host.lanes()[0];
    if (!lane) return false;
    this.#focusedLane = lane;
    const items: TimelineItem[] = [];
    lane.forEachSpanIn(-Infinity, Infinity, (span) => items.push({ span }));
    for (const span of lane.openSpans(this.host.clock.now())) items.push({ span });
    lane.forEachMarkerIn(-Infinity, Infinity, (marker) => items.push({ marker }));
    if (items.length === 0) return true;
    items.sort((a, b) => itemTimeMs(a) - itemTimeMs(b));
    const selected = this.#selected;
    const current = selected?.lane === lane ? items.findIndex((item) => sameItem(item, selected.item)) : -1;
    const next = current === -1 ? (direction === 1 ? 0 : items.length - 1) : Math.min(items.length - 1, Math.max(0, current + direction));
    this.select({ lane, item: items[next]! }, true);
    return true;
  }
}

/**
 * A bar's start is worked out from its end and duration (`released` minus `heldMs`), which epoch-millisecond floats
 * round by a fraction of a microsecond: the cursor of a selected bar goes this far inside it, so the state there
 * has its holder holding (or its waiter waiting).
 */
const INSIDE_BAR_MS = 0.01;

/** Where selecting an item puts the time cursor: just inside a bar's start, at a marker's moment. */
export function cursorTimeOf(item: TimelineItem): number {
  return 'span' in item ? item.span.startMs + INSIDE_BAR_MS : item.marker.atMs;
}

/** When an item starts: a bar's start, a marker's moment. */
export function itemTimeMs(item: TimelineItem): number {
  return 'span' in item ? item.span.startMs : item.marker.atMs;
}

function sameItem(a: TimelineItem, b: TimelineItem): boolean {
  if ('span' in a && 'span' in b) return a.span === b.span || (a.span.chainId === b.span.chainId && a.span.kind === b.span.kind && a.span.startMs === b.span.startMs);
  if ('marker' in a && 'marker' in b) return a.marker === b.marker;
  return false;
}

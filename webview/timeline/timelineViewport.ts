import type { HostClock } from '../shared/hostClock';
import { LAYOUT } from './timelineRenderer';
import type { TimelineStore } from './timelineStore';
import { DEFAULT_MS_PER_PIXEL, clampZoom, fitWindow, panBy, xToTime, zoomAround, type TimeWindow } from './timeScale';

/** What the viewport tells the timeline after it changed. */
export interface ViewportListener {
  /** The zoom changed, which a restored panel keeps. */
  zoomChanged(): void;
  /** The view paused or went live again. */
  pauseChanged(paused: boolean): void;
  /** What is in view moved. */
  moved(): void;
}

/** The stretch of time the lanes show, right of the lane-label gutter: live or paused, zoom, pan and fit. */
export class TimelineViewport {
  #msPerPixel = DEFAULT_MS_PER_PIXEL;
  #paused = false;
  /** Right edge of the window while paused. */
  #pausedEndMs = 0;

  constructor(
    private readonly scroller: HTMLElement,
    private readonly clock: HostClock,
    private readonly store: TimelineStore,
    private readonly listener: ViewportListener,
  ) {}

  /** Whether the window stays put instead of following the clock. */
  get paused(): boolean {
    return this.#paused;
  }

  /** The zoom, for the saved state. */
  get msPerPixel(): number {
    return this.#msPerPixel;
  }

  /** Takes the zoom a previous panel saved; anything unusable becomes the default. */
  restoreZoom(msPerPixel: number | undefined): void {
    this.#msPerPixel = clampZoom(msPerPixel ?? DEFAULT_MS_PER_PIXEL);
  }

  /** Stops following the clock (the window stays on what it shows now) or follows it again. */
  setPaused(paused: boolean): void {
    if (paused === this.#paused) return;
    this.#paused = paused;
    if (paused) this.#pausedEndMs = this.clock.now();
    this.listener.pauseChanged(paused);
    this.listener.moved();
  }

  /** Zooms by `factor` (> 1 zooms out) around `anchorX`, pixels right of the gutter. */
  zoom(factor: number, anchorX: number | undefined): void {
    const window = this.timeWindow();
    // Live zoom keeps "now" at the right edge; paused zoom keeps the pointed-at time in place, or else the middle.
    this.show(zoomAround(window, this.#paused ? (anchorX ?? window.widthPx / 2) : window.widthPx, factor));
  }

  /** Zooms so everything the store retains is in view; does nothing while it retains nothing. */
  fit(): void {
    let oldestMs = Infinity;
    for (const lane of this.store.lanes.values()) {
      const first = lane.spans[lane.spanHead];
      if (first) oldestMs = Math.min(oldestMs, first.startMs);
      for (const open of lane.openSpans(0)) oldestMs = Math.min(oldestMs, open.startMs);
    }
    if (!Number.isFinite(oldestMs)) return;
    const window = this.timeWindow();
    this.show(fitWindow(oldestMs, window.endMs, window.widthPx));
  }

  /** Moves the window by a drag of `deltaX` pixels, pausing first. */
  panBy(deltaX: number): void {
    this.setPaused(true);
    this.#pausedEndMs = panBy(this.timeWindow(), deltaX).endMs;
    this.listener.moved();
  }

  /** Brings time `atMs` into view, pausing so it stays there. */
  reveal(atMs: number): void {
    const window = this.timeWindow();
    if (atMs >= xToTime(window, 0) && atMs <= window.endMs) return;
    this.setPaused(true);
    this.#pausedEndMs = atMs + (window.widthPx * window.msPerPixel) / 2;
    this.listener.moved();
  }

  /** The window as drawn now. */
  timeWindow(): TimeWindow {
    const widthPx = Math.max(1, this.scroller.clientWidth - this.gutterWidth());
    return { widthPx, msPerPixel: this.#msPerPixel, endMs: this.#paused ? this.#pausedEndMs : this.clock.now() };
  }

  /** Width of the lane labels left of the time area: a fifth of the view, within the layout's limits. */
  gutterWidth(): number {
    return Math.round(Math.min(LAYOUT.maxGutterWidth, Math.max(LAYOUT.minGutterWidth, this.scroller.clientWidth * 0.2)));
  }

  private show(window: TimeWindow): void {
    this.#msPerPixel = window.msPerPixel;
    if (this.#paused) this.#pausedEndMs = window.endMs;
    this.listener.zoomChanged();
    this.listener.moved();
  }
}

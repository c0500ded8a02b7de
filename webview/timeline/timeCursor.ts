import { formatDuration } from '../../extension/contract/describe';
import { el, iconButton, setText } from '../shared/dom';
import { formatClock } from '../shared/format';
import { timeToX, type TimeWindow } from './timeScale';

/** How close to the line a press grabs it. */
const GRAB_PX = 5;

/** A stretch of the line left out, in pixels from the top of the lanes' canvas: where the selected marker is, so the line never covers it. */
export interface CursorGap {
  readonly topPx: number;
  readonly bottomPx: number;
}

/** What the cursor tells the timeline. */
export interface TimeCursorListener {
  /** The cursor moved to `atMs`, or went away (`undefined`: the sidebar shows the live state again). */
  moved(atMs: number | undefined): void;
}

/**
 * The time cursor: a line across every lane with its time on the axis. It is where the sidebar shows the state;
 * selecting an item, dragging the line (or the axis), and the arrow keys move it; Escape or its close button remove it.
 */
export class TimeCursor {
  readonly #time = el('span', { class: 'time-cursor-time' });
  readonly #close: HTMLButtonElement;
  readonly #line = el('div', { class: 'time-cursor-line' });
  #gapKey = '';
  /** The line, its label and its drag handle; the timeline places it over the lanes. */
  readonly element: HTMLElement;
  #atMs: number | undefined;

  constructor(private readonly listener: TimeCursorListener) {
    this.#close = iconButton('close', 'Back to now (Escape)', () => this.set(undefined), { iconOnly: true, className: 'icon-button time-cursor-close' });
    this.element = el(
      'div',
      { class: 'time-cursor', hidden: true, role: 'slider', 'aria-label': 'Time cursor: the sidebar shows the state at this instant', 'aria-orientation': 'horizontal' },
      el('div', { class: 'time-cursor-label' }, this.#time, this.#close),
      this.#line,
    );
  }

  /** Where the cursor is, epoch milliseconds; undefined when the sidebar shows now. */
  get atMs(): number | undefined {
    return this.#atMs;
  }

  /** Moves the cursor (or removes it); tells the listener when that changed anything. */
  set(atMs: number | undefined): void {
    if (atMs === this.#atMs) return;
    this.#atMs = atMs;
    this.element.hidden = atMs === undefined;
    if (atMs !== undefined) this.element.setAttribute('aria-valuenow', String(Math.round(atMs)));
    this.listener.moved(atMs);
  }

  /** Puts the line where its time is drawn this frame, with the time and how long before now it is, and leaves out `gap`. */
  place(window: TimeWindow, gutterPx: number, nowMs: number, gap?: CursorGap): void {
    const atMs = this.#atMs;
    if (atMs === undefined) return;
    this.leaveOut(gap);
    const x = gutterPx + timeToX(window, atMs);
    const visible = x >= gutterPx && x <= gutterPx + window.widthPx;
    this.element.classList.toggle('out-of-view', !visible);
    this.element.style.transform = `translateX(${Math.round(Math.min(Math.max(x, gutterPx), gutterPx + window.widthPx))}px)`;
    this.element.classList.toggle('flip', x > gutterPx + window.widthPx - 160);
    const text = `${formatClock(atMs)} · ${nowMs - atMs >= 0.5 ? `${formatDuration(nowMs - atMs)} ago` : 'now'}`;
    setText(this.#time, text);
    this.element.setAttribute('aria-valuetext', text);
  }

  private leaveOut(gap: CursorGap | undefined): void {
    const key = gap ? `${gap.topPx},${gap.bottomPx}` : '';
    if (key === this.#gapKey) return;
    this.#gapKey = key;
    // A mask, not two elements: the line keeps one box to grab and one style for the out-of-view dashes.
    this.#line.style.maskImage = gap ? `linear-gradient(to bottom, #000 ${gap.topPx}px, transparent ${gap.topPx}px ${gap.bottomPx}px, #000 ${gap.bottomPx}px)` : '';
  }

  /** Whether a pointer at `clientX` is on the line, so a press drags the cursor instead of panning. */
  isOn(clientX: number): boolean {
    if (this.#atMs === undefined || this.element.classList.contains('out-of-view')) return false;
    const bounds = this.element.getBoundingClientRect();
    return Math.abs(clientX - (bounds.left + bounds.right) / 2) <= GRAB_PX;
  }
}

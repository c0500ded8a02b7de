import { countOf } from '../../extension/contract/describe';
import type { LockOwner, LostUpdateEvent } from '../../extension/contract/lockEvents';
import { fitMiddle } from '../shared/format';
import { CssColorResolver } from '../shared/themeColors';
import { TOOL_COLOR_COUNT } from '../shared/toolPalette';
import type { RowRange } from '../shared/virtualRange';
import { spanLabel, type TimelineItem } from './timelineDetails';
import { formatTick, tickStep, ticksIn, timeToX, type TimeWindow } from './timeScale';
import type { LaneView, Marker, Span } from './timelineStore';

/** Fixed geometry of the canvas, in CSS pixels. */
export const LAYOUT = { axisHeight: 26, laneHeight: 26, minGutterWidth: 120, maxGutterWidth: 240 } as const;

/** Inside a lane: holds on top, waits in a strip below them, so a queue never hides who holds. */
const HOLD_TOP = 3;
const HOLD_HEIGHT = 13;
const WAIT_TOP = 18;
const WAIT_HEIGHT = 6;

/** A lost update's stale writer and read ride the hold row, the other call's write the wait row. */
const LOST_UPDATE_STALE_Y = HOLD_TOP + HOLD_HEIGHT / 2;
const LOST_UPDATE_OTHER_Y = WAIT_TOP + WAIT_HEIGHT / 2;
/** How to get around, said under the lanes: one line when the panel is wide enough, a phrase a line when not. */
const HINT_PHRASES = ['Drag to pan', 'drag the time axis to move the time cursor', 'Ctrl + wheel to zoom', 'click a bar for details, double-click to open its code', 'arrow keys work too'];
const HINT_SEPARATOR = ' · ';
const HINT_INSET_PX = 12;
const HINT_LINE_PX = 16;
/** A bar gets its call written on it when at least this wide. */
const MIN_LABELLED_BAR_PX = 48;

/** An item and the lane it is on. */
export interface LanePick {
  readonly lane: LaneView;
  readonly item: TimelineItem;
}

/** Everything one frame needs to know. */
export interface TimelineFrame {
  readonly widthPx: number;
  readonly heightPx: number;
  readonly gutterPx: number;
  /** The time area, right of the gutter. */
  readonly window: TimeWindow;
  readonly lanes: readonly LaneView[];
  readonly rows: RowRange;
  readonly scrollTop: number;
  readonly nowMs: number;
  readonly live: boolean;
  /** Bars of other tools are dimmed. */
  readonly focusTool?: string;
  readonly focusedLane?: LaneView;
  readonly selected?: LanePick;
  readonly hovered?: LanePick;
  /** Shown after the resource id when several servers report. */
  readonly sourceLabelOf?: (lane: LaneView) => string;
  /** The colour slot of a call's bars: by its tool, or by its replica. */
  readonly slotOf: (owner: LockOwner | undefined) => number;
}

interface TimelineTheme {
  readonly background: string;
  readonly stripe: string;
  readonly foreground: string;
  readonly muted: string;
  readonly grid: string;
  readonly gutter: string;
  readonly focusBorder: string;
  readonly laneFocus: string;
  readonly contrastBorder: string | undefined;
  readonly failure: string;
  readonly warning: string;
  readonly aborted: string;
  readonly leaseLost: string;
  readonly tools: readonly string[];
  /** Text that reads on each tool colour. */
  readonly toolText: readonly string[];
  readonly waitPatterns: readonly (CanvasPattern | string)[];
  readonly fontFamily: string;
}

/** Draws swimlanes, bars, markers, the time axis and lane labels onto one canvas. */
export class TimelineRenderer {
  readonly #context: CanvasRenderingContext2D;
  #theme: TimelineTheme;
  readonly #labelCache = new Map<string, string>();

  constructor(private readonly canvas: HTMLCanvasElement) {
    const context = canvas.getContext('2d', { alpha: false, desynchronized: true });
    if (!context) throw new Error('The timeline needs a 2D canvas, and this webview could not create one.');
    this.#context = context;
    this.#theme = this.readTheme();
  }

  /** Re-reads colours and fonts after a theme change. */
  refreshTheme(): void {
    this.#theme = this.readTheme();
    this.#labelCache.clear();
  }

  /** Sizes the backing store for the device pixel ratio; cheap when nothing changed. */
  resize(widthPx: number, heightPx: number): void {
    const ratio = window.devicePixelRatio || 1;
    const width = Math.max(1, Math.round(widthPx * ratio));
    const height = Math.max(1, Math.round(heightPx * ratio));
    if (this.canvas.width !== width || this.canvas.height !== height) {
      this.canvas.width = width;
      this.canvas.height = height;
      this.canvas.style.width = `${widthPx}px`;
      this.canvas.style.height = `${heightPx}px`;
      this.#labelCache.clear();
    }
    this.#context.setTransform(ratio, 0, 0, ratio, 0, 0);
  }

  draw(frame: TimelineFrame): void {
    const context = this.#context;
    const theme = this.#theme;
    context.fillStyle = theme.background;
    context.fillRect(0, 0, frame.widthPx, frame.heightPx);
    const ticks = ticksIn(frame.window, tickStep(frame.window.msPerPixel));
    for (let row = frame.rows.first; row < frame.rows.end; row++) this.drawLane(frame, row, ticks);
    this.drawHint(frame);
    this.drawGutter(frame);
    this.drawAxis(frame, ticks);
  }

  private drawLane(frame: TimelineFrame, row: number, ticks: readonly number[]): void {
    const context = this.#context;
    const theme = this.#theme;
    const lane = frame.lanes[row]!;
    const top = LAYOUT.axisHeight + row * LAYOUT.laneHeight - frame.scrollTop;
    const left = frame.gutterPx;
    const right = frame.widthPx;
    if (lane === frame.focusedLane) context.fillStyle = theme.laneFocus;
    else context.fillStyle = row % 2 === 1 ? theme.stripe : theme.background;
    context.fillRect(left, top, right - left, LAYOUT.laneHeight);
    context.fillStyle = theme.grid;
    for (const tick of ticks) context.fillRect(Math.round(left + timeToX(frame.window, tick)), top, 1, LAYOUT.laneHeight);

    const fromMs = frame.window.endMs - frame.window.widthPx * frame.window.msPerPixel;
    const toMs = frame.window.endMs;
    // Many bars can fall on one pixel when zoomed out; skipping repeats keeps a frame cheap at any event rate.
    let lastHoldPixel = -1;
    let lastHoldSlot = -1;
    let lastWaitPixel = -1;
    const drawSpan = (span: Span): void => {
      const slot = frame.slotOf(span.owner);
      const x0 = Math.max(left, left + timeToX(frame.window, span.startMs));
      const x1 = Math.min(right, left + timeToX(frame.window, span.endMs));
      if (x1 < left || x0 > right) return;
      const pixel = Math.floor(x1);
      if (span.kind !== 'wait') {
        if (pixel === lastHoldPixel && slot === lastHoldSlot && x1 - x0 < 1) return;
        lastHoldPixel = pixel;
        lastHoldSlot = slot;
      } else {
        if (pixel === lastWaitPixel && x1 - x0 < 1) return;
        lastWaitPixel = pixel;
      }
      const dimmed = frame.focusTool !== undefined && span.owner?.tool !== frame.focusTool;
      context.globalAlpha = dimmed ? 0.2 : span.kind === 'hold' && span.mode === 'read' ? 0.7 : 1;
      this.fillSpan(span, slot, x0, Math.max(x1 - x0, 1), top);
      if (span.leaseLost) this.drawLeaseLostTail(slot, Math.max(x0, left + timeToX(frame.window, span.leaseLost.atMs)), x1, top);
      if (span.kind !== 'wait' && x1 - x0 >= MIN_LABELLED_BAR_PX) this.labelSpan(span, slot, x0, x1 - x0, top, frame.nowMs);
      context.globalAlpha = 1;
    };
    lane.forEachSpanIn(fromMs, toMs, drawSpan);
    for (const span of lane.openSpans(frame.nowMs)) drawSpan(span);
    lane.forEachGapIn(fromMs, toMs, (atMs) => this.drawGap(left + timeToX(frame.window, atMs), top));
    lane.forEachMarkerIn(fromMs - frame.window.msPerPixel * 6, toMs, (marker) => {
      if (marker.event.type === 'lostUpdate') this.drawLostUpdate(frame, marker.event, top);
      else this.drawMarker(marker, left + timeToX(frame.window, marker.atMs), top, left);
    });

    for (const [pick, color, width] of [
      [frame.hovered, theme.muted, 1],
      [frame.selected, theme.focusBorder, 2],
    ] as const) {
      if (!pick || pick.lane !== lane) continue;
      if ('span' in pick.item) this.outlineSpan(frame, pick.item.span, top, color, width);
      else {
        const x0 = left + timeToX(frame.window, pick.item.marker.startMs);
        const x1 = left + timeToX(frame.window, pick.item.marker.atMs);
        context.strokeStyle = color;
        context.lineWidth = width;
        context.strokeRect(x0 - 8, top + 1.5, x1 - x0 + 16, LAYOUT.laneHeight - 3);
      }
    }
  }

  private fillSpan(span: Span, slot: number, x: number, width: number, top: number): void {
    const context = this.#context;
    const theme = this.#theme;
    if (span.kind === 'lease') {
      // Nobody holds it, yet nobody can take it: the replica's colour hatched, outlined dashed in the failure colour.
      context.fillStyle = theme.waitPatterns[slot]!;
      context.fillRect(x, top + HOLD_TOP, width, HOLD_HEIGHT);
      context.strokeStyle = theme.failure;
      context.lineWidth = 1;
      context.setLineDash([3, 2]);
      context.strokeRect(x + 0.5, top + HOLD_TOP + 0.5, Math.max(width - 1, 0), HOLD_HEIGHT - 1);
      context.setLineDash([]);
      return;
    }
    if (span.kind === 'hold') {
      context.fillStyle = theme.tools[slot]!;
      // A hairline gap keeps back-to-back holds of one tool apart.
      context.fillRect(x, top + HOLD_TOP, width > 3 ? width - 1 : width, HOLD_HEIGHT);
      if (theme.contrastBorder && width > 3) {
        context.strokeStyle = theme.contrastBorder;
        context.lineWidth = 1;
        context.strokeRect(x + 0.5, top + HOLD_TOP + 0.5, width - 2, HOLD_HEIGHT - 1);
      }
      // A task's hold (its tool call returned, the task's work goes on): a dotted edge along its top.
      if (span.owner?.taskId !== undefined) this.drawTaskEdge(x, width, top + HOLD_TOP);
      // Never released: its process went away. A dashed end in the failure colour says so without hovering.
      if (span.outcome === 'sourceGone') this.drawSourceGoneEnd(x + width, top + HOLD_TOP, HOLD_HEIGHT);
      return;
    }
    // Waits: a hatched strip in the waiting tool's colour, underlined so it reads even when tiny; red when it failed.
    context.fillStyle = theme.waitPatterns[slot]!;
    context.fillRect(x, top + WAIT_TOP, width, WAIT_HEIGHT - 1.5);
    context.fillStyle = span.outcome === 'timeout' || span.outcome === 'aborted' ? theme.failure : theme.tools[slot]!;
    context.fillRect(x, top + WAIT_TOP + WAIT_HEIGHT - 1.5, width, 1.5);
  }

  /**
   * The part of a hold after its lease ran out: its work went on, but the lock was no longer its. The bar goes on
   * hatched in its colour instead of solid, outlined dashed in the lease-lost colour.
   */
  private drawLeaseLostTail(slot: number, x0: number, x1: number, top: number): void {
    if (x1 - x0 < 1) return;
    const context = this.#context;
    const theme = this.#theme;
    context.fillStyle = theme.background;
    context.fillRect(x0, top + HOLD_TOP, x1 - x0, HOLD_HEIGHT);
    context.fillStyle = theme.waitPatterns[slot]!;
    context.fillRect(x0, top + HOLD_TOP, x1 - x0, HOLD_HEIGHT);
    context.strokeStyle = theme.leaseLost;
    context.lineWidth = 1;
    context.setLineDash([3, 2]);
    context.strokeRect(x0 + 0.5, top + HOLD_TOP + 0.5, Math.max(x1 - x0 - 1, 0), HOLD_HEIGHT - 1);
    context.setLineDash([]);
  }

  /** Writes the bar's call on it (and a task's age), cut to fit. */
  private labelSpan(span: Span, slot: number, x: number, width: number, top: number, nowMs: number): void {
    const context = this.#context;
    context.font = `10px ${this.#theme.fontFamily}`;
    context.textBaseline = 'middle';
    const label = this.fitLabel(spanLabel(span, nowMs), width - 8);
    if (label === '…') return;
    context.fillStyle = span.kind === 'lease' ? this.#theme.foreground : this.#theme.toolText[slot]!;
    context.fillText(label, x + 4, top + HOLD_TOP + HOLD_HEIGHT / 2 + 0.5);
  }

  /**
   * A lost update: the stale call's read (a ring) and its stale write (a failure-coloured square) joined by an
   * arrow along the hold row, the other call's write in between (a dot on the wait row), and an arrow from that
   * write to the stale write that overwrote it.
   */
  private drawLostUpdate(frame: TimelineFrame, event: LostUpdateEvent, top: number): void {
    const context = this.#context;
    const theme = this.#theme;
    const left = frame.gutterPx;
    const xOf = (atMs: number): number => left + timeToX(frame.window, atMs);
    const [readX, otherX, staleX] = [xOf(event.read.atMs), xOf(event.overwritten.atMs), xOf(event.atMs)];
    if (staleX < left - 8 || readX > frame.widthPx + 8) return;
    const staleY = top + LOST_UPDATE_STALE_Y;
    const otherY = top + LOST_UPDATE_OTHER_Y;
    const staleColor = theme.tools[frame.slotOf(event.owner)]!;
    const otherColor = theme.tools[frame.slotOf(event.overwritten.owner)]!;
    context.save();
    context.beginPath();
    context.rect(left, top, frame.widthPx - left, LAYOUT.laneHeight);
    context.clip();
    context.lineWidth = 1.5;
    if (staleX - readX > 12) {
      context.strokeStyle = staleColor;
      arrow(context, readX + 4.5, staleY, staleX - 5, staleY);
    }
    if (Math.hypot(staleX - otherX, staleY - otherY) > 10) {
      context.strokeStyle = theme.failure;
      arrow(context, otherX + 2, otherY - 2, staleX - 4, staleY + 4);
    }
    context.fillStyle = theme.background;
    context.strokeStyle = staleColor;
    context.lineWidth = 2;
    context.beginPath();
    context.arc(readX, staleY, 3.5, 0, Math.PI * 2);
    context.fill();
    context.stroke();
    context.fillStyle = otherColor;
    context.strokeStyle = theme.background;
    context.lineWidth = 1;
    context.beginPath();
    context.arc(otherX, otherY, 3.5, 0, Math.PI * 2);
    context.fill();
    context.stroke();
    context.fillStyle = theme.failure;
    context.fillRect(staleX - 4.5, staleY - 4.5, 9, 9);
    context.strokeStyle = theme.background;
    context.lineWidth = 1.5;
    context.beginPath();
    context.moveTo(staleX - 2, staleY - 2);
    context.lineTo(staleX + 2, staleY + 2);
    context.moveTo(staleX + 2, staleY - 2);
    context.lineTo(staleX - 2, staleY + 2);
    context.stroke();
    context.restore();
  }

  /** Events of this lane's source are missing before `x`: a dashed line across the lane, broken like a torn page at the top. */
  private drawGap(x: number, top: number): void {
    const context = this.#context;
    context.strokeStyle = this.#theme.warning;
    context.lineWidth = 1.5;
    context.setLineDash([3, 3]);
    context.beginPath();
    context.moveTo(x, top + 6);
    context.lineTo(x, top + LAYOUT.laneHeight);
    context.stroke();
    context.setLineDash([]);
    context.beginPath();
    context.moveTo(x - 4, top + 1);
    context.lineTo(x, top + 5);
    context.lineTo(x + 4, top + 1);
    context.stroke();
  }

  /** A task's hold: a dotted edge along the top of its bar. */
  private drawTaskEdge(x: number, width: number, top: number): void {
    this.dottedLine(this.#theme.foreground, x, top - 1, x + width, top - 1);
  }

  /** A hold its source never released (the source went away): a dotted red end. */
  private drawSourceGoneEnd(x: number, top: number, height: number): void {
    this.dottedLine(this.#theme.failure, x - 1, top - 2, x - 1, top + height + 2);
  }

  private dottedLine(color: string, x0: number, y0: number, x1: number, y1: number): void {
    const context = this.#context;
    context.strokeStyle = color;
    context.lineWidth = 2;
    context.setLineDash([2, 2]);
    context.beginPath();
    context.moveTo(x0, y0);
    context.lineTo(x1, y1);
    context.stroke();
    context.setLineDash([]);
  }

  private outlineSpan(frame: TimelineFrame, span: Span, top: number, color: string, lineWidth: number): void {
    const left = frame.gutterPx;
    const x0 = Math.max(left, left + timeToX(frame.window, span.startMs));
    const endMs = span.outcome === 'open' ? frame.nowMs : span.endMs;
    const x1 = Math.min(frame.widthPx, left + timeToX(frame.window, endMs));
    if (x1 < left) return;
    const context = this.#context;
    context.strokeStyle = color;
    context.lineWidth = lineWidth;
    const [barTop, barHeight] = span.kind === 'wait' ? [WAIT_TOP, WAIT_HEIGHT] : [HOLD_TOP, HOLD_HEIGHT];
    context.strokeRect(x0 - 1.5, top + barTop - 1.5, Math.max(x1 - x0, 1) + 3, barHeight + 3);
  }

  private drawMarker(marker: Marker, x: number, top: number, left: number): void {
    if (x < left - 6) return;
    const context = this.#context;
    const theme = this.#theme;
    const middle = top + HOLD_TOP + HOLD_HEIGHT / 2;
    context.beginPath();
    switch (marker.kind) {
      case 'timeout':
        // A red downward triangle, the "it fell off here" mark.
        context.moveTo(x - 5.5, top + 3);
        context.lineTo(x + 5.5, top + 3);
        context.lineTo(x, top + 12);
        context.fillStyle = theme.failure;
        break;
      case 'deadlock':
      case 'reentrant':
        context.moveTo(x, middle - 7);
        context.lineTo(x + 7, middle);
        context.lineTo(x, middle + 7);
        context.lineTo(x - 7, middle);
        context.fillStyle = theme.failure;
        break;
      case 'aborted':
        context.arc(x, middle, 4.5, 0, Math.PI * 2);
        context.fillStyle = theme.aborted;
        break;
      case 'leaseLost':
        // An hourglass, run out: the lease's time was up.
        context.moveTo(x - 5, middle - 7);
        context.lineTo(x + 5, middle - 7);
        context.lineTo(x, middle);
        context.lineTo(x + 5, middle + 7);
        context.lineTo(x - 5, middle + 7);
        context.lineTo(x, middle);
        context.fillStyle = theme.leaseLost;
        break;
      case 'longHold':
        context.moveTo(x - 5, top + LAYOUT.laneHeight - 2);
        context.lineTo(x + 5, top + LAYOUT.laneHeight - 2);
        context.lineTo(x, top + LAYOUT.laneHeight - 10);
        context.fillStyle = theme.warning;
        break;
    }
    context.closePath();
    context.fill();
    context.strokeStyle = theme.background;
    context.lineWidth = 1.5;
    context.stroke();
    if (marker.kind === 'deadlock' || marker.kind === 'reentrant') {
      context.fillStyle = theme.background;
      context.fillRect(x - 0.75, middle - 3.5, 1.5, 4.5);
      context.fillRect(x - 0.75, middle + 2, 1.5, 1.5);
    }
  }

  /** Below the last lane, when there is room: how to get around, wrapped to the panel's width (a line that does not fit ends in an ellipsis). */
  private drawHint(frame: TimelineFrame): void {
    const lanesBottom = LAYOUT.axisHeight + frame.lanes.length * LAYOUT.laneHeight - frame.scrollTop;
    if (frame.lanes.length === 0 || frame.heightPx - lanesBottom < 48) return;
    const context = this.#context;
    context.font = `12px ${this.#theme.fontFamily}`;
    context.textBaseline = 'middle';
    context.fillStyle = this.#theme.muted;
    const left = frame.gutterPx + HINT_INSET_PX;
    const lineCount = Math.floor((frame.heightPx - lanesBottom - HINT_INSET_PX) / HINT_LINE_PX);
    const lines = this.wrapHint(frame.widthPx - HINT_INSET_PX - left, lineCount);
    lines.forEach((line, index) => context.fillText(line, left, lanesBottom + 24 + index * HINT_LINE_PX));
  }

  /** The hint's phrases in lines of at most `maxWidth`, a phrase broken at spaces only when it is longer than a line; at most `maxLines`. */
  private wrapHint(maxWidth: number, maxLines: number): string[] {
    const widthOf = (text: string): number => this.#context.measureText(text).width;
    if (widthOf(HINT_PHRASES.join(HINT_SEPARATOR)) <= maxWidth) return [HINT_PHRASES.join(HINT_SEPARATOR)];
    const lines: string[] = [];
    for (const phrase of HINT_PHRASES) {
      let line = '';
      for (const word of phrase.split(' ')) {
        const longer = line === '' ? word : `${line} ${word}`;
        if (line !== '' && widthOf(longer) > maxWidth) {
          lines.push(line);
          line = word;
        } else line = longer;
      }
      lines.push(line);
    }
    if (lines.length > maxLines) lines.splice(maxLines - 1, Infinity, `${lines[maxLines - 1]!} …`);
    return lines.map((line) => this.fitLabel(line, maxWidth));
  }

  private drawGutter(frame: TimelineFrame): void {
    const context = this.#context;
    const theme = this.#theme;
    context.fillStyle = theme.gutter;
    context.fillRect(0, LAYOUT.axisHeight, frame.gutterPx, frame.heightPx - LAYOUT.axisHeight);
    context.fillStyle = theme.grid;
    context.fillRect(frame.gutterPx - 1, 0, 1, frame.heightPx);
    context.font = `12px ${theme.fontFamily}`;
    context.textBaseline = 'middle';
    for (let row = frame.rows.first; row < frame.rows.end; row++) {
      const lane = frame.lanes[row]!;
      const middle = LAYOUT.axisHeight + row * LAYOUT.laneHeight - frame.scrollTop + LAYOUT.laneHeight / 2;
      const waiting = lane.waitingCount;
      let available = frame.gutterPx - 16;
      if (waiting > 0) {
        const badge = `${waiting}`;
        const badgeWidth = context.measureText(badge).width + 10;
        context.fillStyle = theme.warning;
        roundedRect(context, frame.gutterPx - 8 - badgeWidth, middle - 8, badgeWidth, 16, 8);
        context.fill();
        context.fillStyle = theme.background;
        context.fillText(badge, frame.gutterPx - 8 - badgeWidth + 5, middle + 0.5);
        available -= badgeWidth + 6;
      }
      if (lane.incidents > 0) {
        context.fillStyle = theme.failure;
        context.fillRect(0, middle - LAYOUT.laneHeight / 2 + 3, 3, LAYOUT.laneHeight - 6);
      }
      const source = frame.sourceLabelOf?.(lane);
      context.fillStyle = lane === frame.focusedLane ? theme.foreground : lane.contended ? theme.foreground : theme.muted;
      const name = lane.sharedState ? `${lane.sharedState === 'file' ? 'file' : 'state'} ${lane.resource}` : lane.resource;
      const label = this.fitLabel(source ? `${name} · ${source}` : name, available);
      context.fillText(label, 10, middle + 0.5);
    }
    if (frame.focusedLane) {
      const row = frame.lanes.indexOf(frame.focusedLane);
      if (row >= frame.rows.first && row < frame.rows.end) {
        context.strokeStyle = theme.focusBorder;
        context.lineWidth = 1;
        context.strokeRect(0.5, LAYOUT.axisHeight + row * LAYOUT.laneHeight - frame.scrollTop + 0.5, frame.widthPx - 1, LAYOUT.laneHeight - 1);
      }
    }
  }

  private drawAxis(frame: TimelineFrame, ticks: readonly number[]): void {
    const context = this.#context;
    const theme = this.#theme;
    context.fillStyle = theme.gutter;
    context.fillRect(0, 0, frame.widthPx, LAYOUT.axisHeight);
    context.fillStyle = theme.grid;
    context.fillRect(0, LAYOUT.axisHeight - 1, frame.widthPx, 1);
    context.font = `11px ${theme.fontFamily}`;
    context.textBaseline = 'middle';
    const step = tickStep(frame.window.msPerPixel);
    for (const tick of ticks) {
      const x = Math.round(frame.gutterPx + timeToX(frame.window, tick));
      if (x < frame.gutterPx) continue;
      context.fillStyle = theme.grid;
      context.fillRect(x, LAYOUT.axisHeight - 6, 1, 6);
      context.fillStyle = theme.muted;
      context.fillText(formatTick(tick, step), x + 4, LAYOUT.axisHeight / 2);
    }
    context.fillStyle = theme.muted;
    context.fillText(countOf(frame.lanes.length, 'resource'), 10, LAYOUT.axisHeight / 2);
    if (frame.live) {
      context.fillStyle = theme.failure;
      context.fillRect(frame.widthPx - 2, 0, 2, LAYOUT.axisHeight);
    }
  }

  private fitLabel(text: string, maxWidth: number): string {
    const key = `${maxWidth}\u0000${text}`;
    const cached = this.#labelCache.get(key);
    if (cached !== undefined) return cached;
    const fitted = fitMiddle(text, maxWidth, (candidate) => this.#context.measureText(candidate).width);
    if (this.#labelCache.size > 20_000) this.#labelCache.clear();
    this.#labelCache.set(key, fitted);
    return fitted;
  }

  private readTheme(): TimelineTheme {
    const colors = new CssColorResolver();
    const tools = Array.from({ length: TOOL_COLOR_COUNT }, (_, slot) => colors.variable(`--tool-color-${slot}`));
    const contrast = colors.variable('--vscode-contrastBorder', '');
    const style = getComputedStyle(document.body);
    return {
      background: colors.variable('--timeline-background', 'rgb(30, 30, 30)'),
      stripe: colors.variable('--timeline-stripe'),
      foreground: colors.variable('--vscode-foreground', 'rgb(204, 204, 204)'),
      muted: colors.variable('--vscode-descriptionForeground', 'rgb(150, 150, 150)'),
      grid: colors.variable('--timeline-grid'),
      gutter: colors.variable('--timeline-gutter'),
      focusBorder: colors.variable('--vscode-focusBorder', 'rgb(0, 127, 212)'),
      laneFocus: colors.variable('--timeline-lane-focus'),
      contrastBorder: contrast === '' ? undefined : contrast,
      failure: colors.variable('--marker-failure', 'rgb(241, 76, 76)'),
      warning: colors.variable('--marker-warning', 'rgb(204, 167, 0)'),
      aborted: colors.variable('--marker-aborted', 'rgb(150, 150, 150)'),
      leaseLost: colors.variable('--marker-lease-lost', 'rgb(188, 63, 188)'),
      tools,
      toolText: tools.map(readableOn),
      waitPatterns: tools.map((color) => this.hatch(color)),
      fontFamily: style.getPropertyValue('--vscode-font-family').trim() || 'sans-serif',
    };
  }

  private hatch(color: string): CanvasPattern | string {
    const tile = document.createElement('canvas');
    tile.width = 6;
    tile.height = 6;
    const context = tile.getContext('2d');
    if (!context) return color;
    context.strokeStyle = color;
    context.lineWidth = 1.5;
    context.beginPath();
    context.moveTo(-1, 7);
    context.lineTo(7, -1);
    context.moveTo(5, 7);
    context.lineTo(7, 5);
    context.moveTo(-1, 1);
    context.lineTo(1, -1);
    context.stroke();
    return this.#context.createPattern(tile, 'repeat') ?? color;
  }
}

/** Black or white, whichever reads on `color` (an `rgb()` string). */
function readableOn(color: string): string {
  const [red = 128, green = 128, blue = 128] = (color.match(/[\d.]+/g) ?? []).map(Number);
  return 0.2126 * red + 0.7152 * green + 0.0722 * blue > 140 ? 'rgb(0, 0, 0)' : 'rgb(255, 255, 255)';
}

/** A line from one point to another with an arrowhead at the second. */
function arrow(context: CanvasRenderingContext2D, fromX: number, fromY: number, toX: number, toY: number): void {
  const angle = Math.atan2(toY - fromY, toX - fromX);
  context.beginPath();
  context.moveTo(fromX, fromY);
  context.lineTo(toX, toY);
  context.moveTo(toX - 5 * Math.cos(angle - 0.5), toY - 5 * Math.sin(angle - 0.5));
  context.lineTo(toX, toY);
  context.lineTo(toX - 5 * Math.cos(angle + 0.5), toY - 5 * Math.sin(angle + 0.5));
  context.stroke();
}

function roundedRect(context: CanvasRenderingContext2D, x: number, y: number, width: number, height: number, radius: number): void {
  context.beginPath();
  context.roundRect(x, y, width, height, radius);
}

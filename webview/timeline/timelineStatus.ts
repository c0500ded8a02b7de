import { countOf, describeOwner, formatDuration } from '../../extension/contract/describe';
import type { SourceInfo } from '../../extension/contract/inspectorSnapshot';
import { el, iconButton, setText } from '../shared/dom';
import { formatCount } from '../shared/format';
import type { RowRange } from '../shared/virtualRange';
import type { LaneView, TimelineStore } from './timelineStore';

/** How often the screen-reader summary of the visible lanes is refreshed. */
const SUMMARY_REFRESH_MS = 1000;

/** What one frame tells the status parts. */
export interface StatusFrame {
  readonly store: TimelineStore;
  /** The lanes drawn, top to bottom, and which of them are in view. */
  readonly lanes: readonly LaneView[];
  /** How many lanes there are before filtering (one per resource of each source, or per resource). */
  readonly laneCount: number;
  readonly rows: RowRange;
  readonly sources: readonly SourceInfo[];
  readonly paused: boolean;
  /** Whether the host has sent anything yet; until then the card says it is connecting. */
  readonly receivedAnything: boolean;
  /** Host time, for how long holders have held. */
  readonly nowMs: number;
  /** Page time (`performance.now()`), for pacing the summary. */
  readonly frameMs: number;
}

/** The words around the canvas: the card over it when there is nothing to draw, the status line, the screen-reader list of visible lanes. */
export class TimelineStatus {
  readonly overlay: HTMLElement = el('div', { class: 'overlay', hidden: true });
  readonly statusLine: HTMLElement = el('span', { class: 'status-text' });
  readonly laneSummary: HTMLElement = el('ul', { class: 'visually-hidden', 'aria-label': 'Visible resources' });
  #summaryAtMs = 0;

  constructor(private readonly clearFilters: () => void) {}

  /** Brings all three up to date with the frame just drawn. */
  show(frame: StatusFrame): void {
    this.showOverlay(frame);
    this.showStatusLine(frame);
    if (frame.frameMs - this.#summaryAtMs >= SUMMARY_REFRESH_MS) {
      this.#summaryAtMs = frame.frameMs;
      this.summariseLanes(frame);
    }
  }

  private showOverlay({ store, lanes, receivedAnything }: StatusFrame): void {
    let message: HTMLElement | undefined;
    if (store.lanes.size === 0) {
      message = el(
        'div',
        { class: 'overlay-card' },
        el('h2', {}, receivedAnything ? 'No lock events yet' : 'Connecting…'),
        el('p', {}, 'Each resource gets a lane. Bars show which tool call held it and who waited; red marks are timeouts and deadlocks.'),
        el('p', {}, 'Start the demo server and fire parallel calls from the Lock Inspector view in the activity bar, or connect your own MCP server.'),
      );
    } else if (lanes.length === 0) {
      message = el('div', { class: 'overlay-card' }, el('h2', {}, 'No resources match these filters'), iconButton('close', 'Clear filters', () => this.clearFilters()));
    }
    const key = message?.textContent ?? '';
    if (this.overlay.dataset['key'] === key) return;
    this.overlay.dataset['key'] = key;
    this.overlay.hidden = !message;
    this.overlay.replaceChildren(...(message ? [message] : []));
  }

  private showStatusLine({ store, lanes, laneCount, sources, paused }: StatusFrame): void {
    const connected = sources.filter((source) => source.connected).length;
    const dropped = sources.reduce((sum, source) => sum + source.eventsDroppedBySource, 0);
    const parts = [
      paused ? 'Paused' : 'Live',
      `${formatCount(lanes.length)} of ${countOf(laneCount, 'resource')}`,
      countOf(store.eventsIngested, 'event'),
      `${countOf(connected, 'source')} connected`,
      ...(dropped > 0 ? [`${formatCount(dropped)} events not delivered by servers (dashed marks on their lanes show where)`] : []),
    ];
    setText(this.statusLine, parts.join(' · '));
  }

  private summariseLanes({ lanes, rows, nowMs }: StatusFrame): void {
    const items: HTMLElement[] = [];
    for (let row = rows.first; row < rows.end; row++) {
      const lane = lanes[row]!;
      const holders = lane.openSpans(nowMs).filter((span) => span.kind === 'hold');
      const parts = [
        holders.length === 0 ? 'idle' : `held by ${holders.map((span) => `${describeOwner(span.owner, span.chainId)} for ${formatDuration(nowMs - span.startMs)}`).join(', ')}`,
        ...(lane.waitingCount > 0 ? [`${lane.waitingCount} waiting`] : []),
        ...(lane.incidents > 0 ? [`${lane.incidents} timeouts or deadlocks`] : []),
      ];
      items.push(el('li', { 'data-resource': lane.resource }, `${lane.resource}: ${parts.join('; ')}`));
    }
    this.laneSummary.replaceChildren(...items);
  }
}

import { timeCursorBannerText } from '../../extension/contract/describe';
import { codicon } from '../shared/codicons';
import { el, iconButton, setText } from '../shared/dom';
import { formatClock } from '../shared/format';

/** What the banner's button asks the host for. */
export interface TimeCursorBannerActions {
  showLive(): void;
}

/** While the timeline's time cursor is set: which instant the sidebar shows, and how to get back to now. */
export class TimeCursorBanner {
  readonly #text = el('span', { class: 'time-cursor-text' });
  readonly element: HTMLElement;

  constructor(actions: TimeCursorBannerActions) {
    this.element = el(
      'section',
      { class: 'time-cursor-banner', role: 'status', 'aria-label': 'Time cursor', hidden: true },
      codicon('watch'),
      this.#text,
      iconButton('play', 'Show Live', () => actions.showLive(), { className: 'button compact', title: 'Show the live state now (Escape)' }),
    );
  }

  /** Shows the banner for the instant the snapshot stands at, or hides it when the snapshot is of now. */
  show(stateAtMs: number | undefined): void {
    this.element.hidden = stateAtMs === undefined;
    if (stateAtMs !== undefined) setText(this.#text, timeCursorBannerText(formatClock(stateAtMs)));
  }
}

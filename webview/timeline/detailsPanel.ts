import type { TimelineFilter } from '../../extension/contract/webviewMessages';
import { el, iconButton } from '../shared/dom';
import type { ItemDescription, ItemSite } from './timelineDetails';
import type { LanePick } from './timelineRenderer';

/** What the details panel needs from the timeline, and what its buttons ask of it. */
export interface DetailsPanelActions {
  describe(pick: LanePick): ItemDescription;
  revealTool(tool: string): void;
  /** Opens a `file:line:column` location. */
  revealSource(location: string): void;
  /** Narrows the current filter to one tool or one resource. */
  narrowFilter(narrowing: Pick<TimelineFilter, 'tool' | 'resource'>): void;
  close(): void;
  announce(text: string): void;
}

/** The panel under the lanes that says everything about the selected bar or marker, with its actions. */
export class DetailsPanel {
  readonly element: HTMLElement = el('section', { class: 'details', 'aria-label': 'Selected event', hidden: true });

  constructor(private readonly actions: DetailsPanelActions) {}

  /** Shows the selected item and reads it out, or hides the panel when nothing is selected. */
  show(pick: LanePick | undefined): void {
    if (!pick) {
      this.element.hidden = true;
      return;
    }
    const { actions } = this;
    const description = actions.describe(pick);
    const tool = description.tool;
    this.element.hidden = false;
    this.element.replaceChildren(
      el('h2', {}, description.title),
      // Each label stays with its value when the facts wrap ("At:" never ends a line without its time).
      el('dl', {}, ...description.facts.map(([label, value]) => el('div', { class: 'fact' }, el('dt', {}, label), el('dd', {}, value)))),
      ...(description.sites?.length ? [this.sitesList(description.sites)] : []),
      el(
        'div',
        { class: 'details-actions' },
        tool && iconButton('go-to-file', 'Go to handler', () => actions.revealTool(tool), { className: 'button primary' }),
        tool && iconButton('filter', `Only ${tool}`, () => actions.narrowFilter({ tool })),
        iconButton('filter', 'Only this resource', () => actions.narrowFilter({ resource: pick.lane.resource })),
        iconButton('close', 'Close', () => actions.close(), { iconOnly: true }),
      ),
    );
    actions.announce(`${description.title}. ${description.facts.map(([label, value]) => `${label}: ${value}`).join('. ')}`);
  }

  /** Each step's code as a link that opens it. */
  private sitesList(sites: readonly ItemSite[]): HTMLElement {
    return el(
      'ol',
      { class: 'details-sites', 'aria-label': 'Where each step happened' },
      ...sites.map((site) => {
        const link = el('button', { type: 'button', class: 'link', title: `Open ${site.location}` }, site.location);
        link.addEventListener('click', () => this.actions.revealSource(site.location));
        return el('li', {}, el('span', { class: 'muted' }, `${site.label}: `), link);
      }),
    );
  }
}

import type { SourceInfo } from '../../extension/contract/inspectorSnapshot';
import type { TimelineColorBy, TimelineFilter, TimelineLaneGrouping, TimelineLaneOrder } from '../../extension/contract/webviewMessages';
import { codicon } from '../shared/codicons';
import { el, iconButton, setText } from '../shared/dom';
import { formatDuration, LEASE_RUNNING_OUT } from '../../extension/contract/describe';
import type { ToolPalette } from '../shared/toolPalette';

/** What the toolbar asks the timeline to do. */
export interface TimelineToolbarActions {
  togglePause(): void;
  zoom(factor: number): void;
  fit(): void;
  setFilter(filter: TimelineFilter): void;
  setLaneOrder(order: TimelineLaneOrder): void;
  setColorBy(colorBy: TimelineColorBy): void;
  setLaneGrouping(grouping: TimelineLaneGrouping): void;
}

const LANE_ORDERS: readonly (readonly [TimelineLaneOrder, string])[] = [
  ['name', 'Name'],
  ['contention', 'Most contended'],
  ['recent', 'Recently active'],
  ['source', 'Source / replica'],
];

const COLOR_BY: readonly (readonly [TimelineColorBy, string])[] = [
  ['tool', 'Tool'],
  ['replica', 'Replica'],
];

const LANE_GROUPINGS: readonly (readonly [TimelineLaneGrouping, string])[] = [
  ['source', 'One per source'],
  ['resource', 'One per resource'],
];

/** The controls above the swimlanes: live/pause, zoom, filters, lane order and the legend. */
export class TimelineToolbar {
  readonly element: HTMLElement;
  readonly #pauseButton: HTMLButtonElement;
  readonly #windowLabel: HTMLElement;
  readonly #toolSelect: HTMLSelectElement;
  readonly #sourceSelect: HTMLSelectElement;
  readonly #resourceInput: HTMLInputElement;
  readonly #contendedBox: HTMLInputElement;
  readonly #orderSelect: HTMLSelectElement;
  readonly #colorSelect: HTMLSelectElement;
  readonly #groupingSelect: HTMLSelectElement;
  /** Colour and lane grouping matter only with several sources or replicas. */
  readonly #sourceControls: HTMLElement;
  #filter: TimelineFilter = {};
  #toolsKey = '';
  #sourcesKey = '';

  constructor(private readonly actions: TimelineToolbarActions) {
    this.#pauseButton = iconButton('debug-pause', 'Pause', () => actions.togglePause(), { className: 'button primary' });
    this.#windowLabel = el('span', { class: 'window-label', 'aria-live': 'polite' });
    this.#toolSelect = el('select', { 'aria-label': 'Tool' });
    this.#sourceSelect = el('select', { 'aria-label': 'Source server' });
    this.#resourceInput = el('input', { type: 'search', placeholder: 'Filter resources', 'aria-label': 'Filter resources by id', spellcheck: 'false' });
    this.#contendedBox = el('input', { type: 'checkbox', id: 'only-contended' });
    this.#orderSelect = el('select', { 'aria-label': 'Order lanes by' }, ...LANE_ORDERS.map(([value, label]) => el('option', { value }, label)));
    this.#colorSelect = el('select', { 'aria-label': 'Colour bars by' }, ...COLOR_BY.map(([value, label]) => el('option', { value }, label)));
    this.#groupingSelect = el(
      'select',
      { 'aria-label': 'Lanes', title: 'One lane per resource puts every source on it: replicas that share a lock hand it over on one lane' },
      ...LANE_GROUPINGS.map(([value, label]) => el('option', { value }, label)),
    );
    this.#sourceControls = el(
      'div',
      { class: 'toolbar-group source-controls', hidden: true },
      el('label', { class: 'select-label' }, 'Colour', this.#colorSelect),
      el('label', { class: 'select-label' }, 'Lanes', this.#groupingSelect),
    );

    this.#toolSelect.addEventListener('change', () => this.emitFilter({ ...this.#filter, tool: this.#toolSelect.value || undefined }));
    this.#sourceSelect.addEventListener('change', () => this.emitFilter({ ...this.#filter, sourceId: this.#sourceSelect.value || undefined }));
    this.#resourceInput.addEventListener('input', () => this.emitFilter({ ...this.#filter, resource: this.#resourceInput.value || undefined }));
    this.#contendedBox.addEventListener('change', () => this.emitFilter({ ...this.#filter, onlyContended: this.#contendedBox.checked || undefined }));
    this.#orderSelect.addEventListener('change', () => actions.setLaneOrder(this.#orderSelect.value as TimelineLaneOrder));
    this.#colorSelect.addEventListener('change', () => actions.setColorBy(this.#colorSelect.value as TimelineColorBy));
    this.#groupingSelect.addEventListener('change', () => actions.setLaneGrouping(this.#groupingSelect.value as TimelineLaneGrouping));

    this.element = el(
      'header',
      { class: 'toolbar', role: 'toolbar', 'aria-label': 'Timeline controls' },
      el(
        'div',
        { class: 'toolbar-group' },
        this.#pauseButton,
        iconButton('zoom-out', 'Zoom out (-)', () => actions.zoom(2), { iconOnly: true }),
        iconButton('zoom-in', 'Zoom in (+)', () => actions.zoom(0.5), { iconOnly: true }),
        iconButton('screen-full', 'Fit everything retained (0)', () => actions.fit(), { iconOnly: true }),
        this.#windowLabel,
      ),
      el(
        'div',
        { class: 'toolbar-group filters' },
        codicon('filter'),
        this.#toolSelect,
        this.#sourceSelect,
        this.#resourceInput,
        el('label', { class: 'checkbox' }, this.#contendedBox, 'Only contended'),
        el('label', { class: 'select-label' }, 'Order', this.#orderSelect),
      ),
      this.#sourceControls,
    );
  }

  /** Reflects how bars are coloured and lanes grouped; shows those controls once there are several sources or replicas to tell apart. */
  showDisplay(colorBy: TimelineColorBy, grouping: TimelineLaneGrouping, severalSources: boolean): void {
    this.#colorSelect.value = colorBy;
    this.#groupingSelect.value = grouping;
    this.#sourceControls.hidden = !severalSources && colorBy === 'tool' && grouping === 'source';
  }

  /** Shows live or paused, and how much time the window spans. */
  showClock(paused: boolean, windowMs: number): void {
    const label = paused ? 'Live' : 'Pause';
    if (this.#pauseButton.dataset['state'] !== label) {
      this.#pauseButton.dataset['state'] = label;
      this.#pauseButton.replaceChildren(codicon(paused ? 'play' : 'debug-pause'), el('span', {}, label));
      this.#pauseButton.setAttribute('aria-pressed', String(paused));
      this.#pauseButton.title = paused ? 'Follow the newest events again (Space)' : 'Stop scrolling to look around (Space)';
    }
    setText(this.#windowLabel, `${formatDuration(windowMs)} across`);
  }

  /** Reflects a filter set from outside (the sidebar, a restored state) in the controls. */
  showFilter(filter: TimelineFilter, order: TimelineLaneOrder): void {
    this.#filter = filter;
    ensureOption(this.#toolSelect, filter.tool);
    this.#toolSelect.value = filter.tool ?? '';
    ensureOption(this.#sourceSelect, filter.sourceId);
    this.#sourceSelect.value = filter.sourceId ?? '';
    if (this.#resourceInput.value !== (filter.resource ?? '')) this.#resourceInput.value = filter.resource ?? '';
    this.#contendedBox.checked = filter.onlyContended === true;
    this.#orderSelect.value = order;
  }

  /** Refreshes the tool and source choices when they changed. */
  showChoices(tools: readonly string[], sources: readonly SourceInfo[]): void {
    const toolsKey = tools.join('\u0000');
    if (toolsKey !== this.#toolsKey) {
      this.#toolsKey = toolsKey;
      this.#toolSelect.replaceChildren(el('option', { value: '' }, 'All tools'), ...tools.map((tool) => el('option', { value: tool }, tool)));
      ensureOption(this.#toolSelect, this.#filter.tool);
      this.#toolSelect.value = this.#filter.tool ?? '';
    }
    const sourcesKey = sources.map((source) => `${source.id}\u0001${source.label}\u0001${source.connected}`).join('\u0000');
    if (sourcesKey !== this.#sourcesKey) {
      this.#sourcesKey = sourcesKey;
      this.#sourceSelect.replaceChildren(
        el('option', { value: '' }, 'All sources'),
        ...sources.map((source) => el('option', { value: source.id }, source.connected ? source.label : `${source.label} (gone)`)),
      );
      ensureOption(this.#sourceSelect, this.#filter.sourceId);
      this.#sourceSelect.value = this.#filter.sourceId ?? '';
      this.#sourceSelect.hidden = sources.length < 2 && !this.#filter.sourceId;
    }
  }

  private emitFilter(filter: TimelineFilter): void {
    this.#filter = Object.fromEntries(Object.entries(filter).filter(([, value]) => value !== undefined)) as TimelineFilter;
    this.actions.setFilter(this.#filter);
  }
}

function ensureOption(select: HTMLSelectElement, value: string | undefined): void {
  if (value && ![...select.options].some((option) => option.value === value)) select.append(el('option', { value }, value));
}

/** Which colour is which tool (or replica), in the footer beside the shape legend; rebuilt when the set of names changes. */
export function colorLegend(names: readonly string[], palette: ToolPalette): HTMLElement[] {
  return names.map((name) =>
    el('span', { class: 'legend-item tool-legend-item' }, el('span', { class: 'tool-swatch', 'data-slot': palette.slotOf(name), 'aria-hidden': 'true' }), name),
  );
}

/** What the colours and shapes mean; shown in the status bar. */
export function timelineLegend(): HTMLElement {
  const item = (className: string, label: string): HTMLElement => el('span', { class: 'legend-item' }, el('span', { class: `legend-swatch ${className}`, 'aria-hidden': 'true' }), label);
  return el(
    'div',
    { class: 'legend', 'aria-label': 'Legend' },
    item('hold', 'holding'),
    item('wait', 'waiting'),
    item('timeout', 'timeout'),
    item('deadlock', 'deadlock'),
    item('aborted', 'cancelled'),
    item('long-hold', 'long hold'),
    item('gap', 'events not delivered'),
    item('lost-update', 'lost update: read, other write, stale write'),
    item('lease', LEASE_RUNNING_OUT),
    item('lease-lost', 'lease lost (then held without the lock)'),
    item('task-hold', "a task's hold"),
  );
}

import type { PartyView, ResourceView } from '../../extension/contract/inspectorSnapshot';
import { el, setText } from '../shared/dom';
import { describeOwner, describeReplica, formatDuration, leaseRunningOutText } from '../../extension/contract/describe';
import { formatAgo, formatCount } from '../shared/format';
import type { ToolPalette } from '../shared/toolPalette';
import { MiddleTruncator } from '../shared/middleTruncator';
import { visibleRows } from '../shared/virtualRange';
import { hasRecentIncident, type ResourceSort } from './resourceOrder';

/** Height of one resource row in CSS pixels; rows are virtualised, so every row has it. */
export const RESOURCE_ROW_HEIGHT = 44;

/** What a row click or the sort headers ask for. */
export interface ResourceTableActions {
  openTimeline(resource: ResourceView): void;
  sortBy(sort: ResourceSort): void;
}

/** How a row names its source: briefly on its second line, in full in its tooltip. */
export interface SourceLabel {
  readonly short: string;
  readonly full: string;
}

interface RowElements {
  readonly row: HTMLElement;
  readonly dot: HTMLElement;
  readonly name: HTMLElement;
  readonly badge: HTMLElement;
  readonly queue: HTMLElement;
  readonly timeouts: HTMLElement;
  readonly waitP95: HTMLElement;
  readonly swatch: HTMLElement;
  readonly holder: HTMLElement;
  readonly waiters: HTMLElement;
  index: number;
}

const COLUMNS: readonly (readonly [ResourceSort | undefined, string, string])[] = [
  ['name', 'Resource', 'col-id'],
  [undefined, 'Holder and queue', 'col-holder'],
  ['queue', 'Queue', 'col-queue'],
  ['timeouts', 'Failed', 'col-timeouts'],
  ['waitP95', 'Wait p95', 'col-p95'],
];

/**
 * The live resources as an ARIA table whose rows are virtualised against the page scroll: only the rows in
 * view exist, so 10,000 resources cost what 30 do. Row elements keep their row index while it stays in view,
 * so keyboard focus does not jump when the list re-renders.
 */
export class ResourceTable {
  readonly element: HTMLElement;
  readonly #body: HTMLElement;
  readonly #headers = new Map<ResourceSort, HTMLElement>();
  readonly #shown = new Map<number, RowElements>();
  readonly #spare: RowElements[] = [];
  #rows: readonly ResourceView[] = [];
  #nowMs = 0;
  #multipleSources = false;
  #sourceLabel: (sourceId: string) => SourceLabel = (sourceId) => ({ short: sourceId, full: sourceId });
  readonly #truncator = new MiddleTruncator();
  /** Room for a resource name, read from a row each render (all rows are alike). */
  #nameWidthPx = 0;

  constructor(
    private readonly actions: ResourceTableActions,
    private readonly palette: ToolPalette,
  ) {
    const header = el(
      'div',
      { class: 'resource-row header', role: 'row', 'aria-rowindex': 1 },
      ...COLUMNS.map(([sort, label, className]) => {
        const cell = el('div', { class: `cell ${className}`, role: 'columnheader' }, sort ? el('button', { type: 'button', class: 'sort-button', title: `Sort by ${label.toLowerCase()}` }, label) : label);
        if (sort) {
          cell.querySelector('button')!.addEventListener('click', () => actions.sortBy(sort));
          this.#headers.set(sort, cell);
        }
        return cell;
      }),
    );
    this.#body = el('div', { class: 'resource-rows', role: 'rowgroup' });
    this.element = el('div', { class: 'resource-table', role: 'table', 'aria-label': 'Resources' }, el('div', { role: 'rowgroup' }, header), this.#body);
    this.#body.addEventListener('keydown', (event) => this.onKey(event));
  }

  /** Replaces the rows (already filtered and ordered) and redraws the visible ones. */
  setRows(rows: readonly ResourceView[], sort: ResourceSort, nowMs: number, sourceLabel: (sourceId: string) => SourceLabel, multipleSources: boolean): void {
    this.#rows = rows;
    this.#nowMs = nowMs;
    this.#sourceLabel = sourceLabel;
    this.#multipleSources = multipleSources;
    this.element.setAttribute('aria-rowcount', String(rows.length + 1));
    this.#body.style.height = `${rows.length * RESOURCE_ROW_HEIGHT}px`;
    for (const [column, cell] of this.#headers) {
      const active = column === sort;
      cell.setAttribute('aria-sort', active ? (column === 'name' ? 'ascending' : 'descending') : 'none');
      cell.classList.toggle('sorted', active);
    }
    this.render(nowMs);
  }

  /** Redraws the rows in view; cheap enough for every scroll event and every clock tick. */
  render(nowMs: number): void {
    this.#nowMs = nowMs;
    const bounds = this.#body.getBoundingClientRect();
    const range = visibleRows(-bounds.top, window.innerHeight, RESOURCE_ROW_HEIGHT, this.#rows.length, 6);
    for (const [index, row] of this.#shown) {
      if (index >= range.first && index < range.end) continue;
      this.#shown.delete(index);
      row.row.hidden = true;
      this.#spare.push(row);
    }
    for (let index = range.first; index < range.end; index++) {
      let row = this.#shown.get(index);
      if (!row) {
        row = this.#spare.pop() ?? this.createRow();
        row.index = index;
        row.row.hidden = false;
        row.row.style.transform = `translateY(${index * RESOURCE_ROW_HEIGHT}px)`;
        row.row.setAttribute('aria-rowindex', String(index + 2));
        this.#shown.set(index, row);
      }
      if (index === range.first) this.#nameWidthPx = nameWidthIn(row);
      this.fillRow(row, this.#rows[index]!);
    }
  }

  private createRow(): RowElements {
    const dot = el('span', { class: 'state-dot', 'aria-hidden': 'true' });
    const name = el('span', { class: 'resource-name' });
    const badge = el('span', { class: 'incident-badge', hidden: true });
    const queue = el('div', { class: 'cell col-queue', role: 'cell' });
    const timeouts = el('div', { class: 'cell col-timeouts', role: 'cell' });
    const waitP95 = el('div', { class: 'cell col-p95', role: 'cell' });
    const swatch = el('span', { class: 'tool-swatch', 'aria-hidden': 'true' });
    const holder = el('span', { class: 'holder-text' });
    const waiters = el('span', { class: 'waiters-text' });
    const row = el(
      'div',
      { class: 'resource-row', role: 'row', tabindex: 0, hidden: true },
      el('div', { class: 'cell col-id', role: 'cell' }, dot, name),
      el('div', { class: 'cell col-holder', role: 'cell' }, badge, swatch, holder, waiters),
      queue,
      timeouts,
      waitP95,
    );
    const elements: RowElements = { row, dot, name, badge, queue, timeouts, waitP95, swatch, holder, waiters, index: -1 };
    row.addEventListener('click', () => this.open(elements.index));
    this.#body.append(row);
    return elements;
  }

  private fillRow(elements: RowElements, resource: ResourceView): void {
    const nowMs = this.#nowMs;
    const held = resource.holders.length > 0;
    const waiting = resource.waiters.length;
    const incident = hasRecentIncident(resource, nowMs) ? resource.lastIncident : undefined;
    const state = incident ? 'incident' : waiting > 0 ? 'queued' : held ? 'held' : 'idle';
    if (elements.row.dataset['state'] !== state) elements.row.dataset['state'] = state;
    elements.row.dataset['resource'] = resource.id;
    // A row merged over replicas names each party's replica; other rows name their source when there are several.
    const source = this.#multipleSources && resource.replicas === undefined ? this.#sourceLabel(resource.sourceId) : undefined;
    // Cut in the middle, not at the end, so a narrow view still shows the start and the end of the id; the
    // source goes to the row's second line, where it takes no room from the id.
    setText(elements.name, this.#truncator.fit(elements.name, resource.id, this.#nameWidthPx));
    // The narrow layout hides the p95 column; the name's tooltip keeps the figure.
    const title = source ? `${resource.id} · ${source.full}` : resource.replicas ? `${resource.id} · ${resource.replicas.map(describeReplica).join(', ')}` : resource.id;
    elements.name.title = resource.wait.count > 0 ? `${title} · wait p95 ${formatDuration(resource.wait.p95)}` : title;
    elements.badge.hidden = !incident;
    if (incident) setText(elements.badge, `${incident.kind === 'timeout' ? 'timed out' : incident.kind === 'deadlock' ? 'deadlock' : 'cancelled'} ${formatAgo(incident.atMs, nowMs)}`);
    setText(elements.queue, waiting > 0 ? String(waiting) : '–');
    elements.queue.classList.toggle('nonzero', waiting > 0);
    const failures = resource.timeouts + resource.deadlocks + resource.aborts;
    setText(elements.timeouts, failures > 0 ? formatCount(failures) : '–');
    elements.timeouts.classList.toggle('nonzero', failures > 0);
    elements.timeouts.title = `${resource.timeouts} timeouts, ${resource.deadlocks} deadlocks, ${resource.aborts} cancelled`;
    setText(elements.waitP95, resource.wait.count > 0 ? formatDuration(resource.wait.p95) : '–');
    const first = resource.holders[0];
    const slot = String(this.palette.slotOf(first?.owner?.tool));
    if (elements.swatch.dataset['slot'] !== slot) elements.swatch.dataset['slot'] = slot;
    elements.swatch.hidden = !first;
    const merged = resource.replicas !== undefined;
    setText(elements.holder, `${source ? `${source.short} · ` : ''}${first ? shortHoldersText(resource.holders, nowMs, merged) : `idle · ${formatCount(resource.acquisitions)} acquisitions`}`);
    elements.holder.classList.toggle('lease-running-out', first?.leaseEndsByMs !== undefined);
    elements.holder.title = first ? holdersText(resource.holders, nowMs) : '';
    const queue = resource.waiters.map((party) => describeOwner(party.owner, party.chainId)).join(', ');
    setText(elements.waiters, waiting > 0 ? `⟵ ${resource.waiters.map((party) => shortPartyText(party, merged)).join(', ')}` : '');
    elements.waiters.title = waiting > 0 ? `Waiting, first in line first: ${queue}` : '';
    elements.row.setAttribute(
      'aria-label',
      `${resource.id}: ${first ? `held by ${holdersText(resource.holders, nowMs)}` : 'idle'}${waiting ? `, ${waiting} waiting in order: ${resource.waiters.map((party) => describeOwner(party.owner, party.chainId)).join(', ')}` : ''}${incident ? `, ${incident.kind} ${formatAgo(incident.atMs, nowMs)}` : ''}`,
    );
  }

  private open(index: number): void {
    const resource = this.#rows[index];
    if (resource) this.actions.openTimeline(resource);
  }

  private onKey(event: KeyboardEvent): void {
    const row = [...this.#shown.values()].find((candidate) => candidate.row === document.activeElement);
    if (!row) return;
    const target = event.key === 'ArrowDown' ? row.index + 1 : event.key === 'ArrowUp' ? row.index - 1 : event.key === 'Home' ? 0 : event.key === 'End' ? this.#rows.length - 1 : undefined;
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      this.open(row.index);
      return;
    }
    if (target === undefined || target < 0 || target >= this.#rows.length) return;
    event.preventDefault();
    const bounds = this.#body.getBoundingClientRect();
    const top = bounds.top + target * RESOURCE_ROW_HEIGHT;
    const stickyHeaderHeight = 80;
    if (top < stickyHeaderHeight) window.scrollBy(0, top - stickyHeaderHeight);
    else if (top + RESOURCE_ROW_HEIGHT > window.innerHeight) window.scrollBy(0, top + RESOURCE_ROW_HEIGHT - window.innerHeight);
    this.render(this.#nowMs);
    this.#shown.get(target)?.row.focus();
  }
}

/** Room for the name in a shown row's first cell, beside its state dot. */
function nameWidthIn(row: RowElements): number {
  const cell = row.name.parentElement;
  if (!cell) return 0;
  return cell.clientWidth - row.dot.offsetWidth - parseFloat(getComputedStyle(cell).columnGap || '0');
}

/** A party in a row's little room: a row merged over replicas puts the replica first (`r1: transfer #41`). */
function shortPartyText(party: PartyView, merged: boolean): string {
  const replica = party.owner?.replica;
  return merged && replica !== undefined ? `${replica}: ${describeOwner({ ...party.owner, replica: undefined }, party.chainId)}` : describeOwner(party.owner, party.chainId);
}

/** The holders as a row shows them: who, and how long held; a gone replica's hold is its replica and when its lease ends. */
function shortHoldersText(holders: readonly PartyView[], nowMs: number, merged: boolean): string {
  const holderText = (party: PartyView) =>
    party.leaseEndsByMs === undefined
      ? `${shortPartyText(party, merged)} · ${formatDuration(nowMs - party.sinceMs)}`
      : `${party.owner?.replica ?? describeOwner(party.owner, party.chainId)} ${leaseRunningOutText(party.leaseEndsByMs, nowMs)}`;
  return holders.map(holderText).join(', ');
}

/** The holders in full, for the row's label: who (on which replica), how long held, and a gone replica's lease. */
function holdersText(holders: readonly PartyView[], nowMs: number): string {
  const holderText = (party: PartyView) =>
    `${describeOwner(party.owner, party.chainId)} · ${formatDuration(nowMs - party.sinceMs)}${party.leaseEndsByMs === undefined ? '' : ` · ${leaseRunningOutText(party.leaseEndsByMs, nowMs)}`}`;
  return holders.map(holderText).join(', ');
}

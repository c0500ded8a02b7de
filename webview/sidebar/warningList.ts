import type { WarningView } from '../../extension/contract/inspectorSnapshot';
import type { LockOrderSite, LockOwner, LostUpdateEvent, SharedStateAccess } from '../../extension/contract/lockEvents';
import { codicon } from '../shared/codicons';
import { cycleNodes, describeOwner, formatDuration, suggestedLockId } from '../../extension/contract/describe';
import { el, setText } from '../shared/dom';
import { formatAgo } from '../shared/format';
import type { ToolPalette } from '../shared/toolPalette';
import { groupWarnings, warningHeadline, type WarningGroup } from './warningGroups';

/** Where a warning's links lead. */
export interface WarningActions {
  revealTool(tool: string): void;
  revealSource(location: string): void;
  openTimeline(resource: string): void;
}

/** Warnings shown before "Show all". */
const FIRST_WARNINGS = 6;

/** Deadlock cycles drawn as loops, inversions with both code locations, long holds and timeout storms; newest first. */
export class WarningList {
  readonly element: HTMLElement;
  #renderedKey = '';
  #showAll = false;
  #warnings: readonly WarningView[] = [];
  #nowMs = 0;
  /** Warnings the person opened or closed; otherwise only the newest is open. */
  readonly #userExpanded = new Set<string>();
  readonly #userCollapsed = new Set<string>();

  constructor(
    private readonly actions: WarningActions,
    private readonly palette: ToolPalette,
  ) {
    this.element = el('div', { class: 'warning-list' });
  }

  /** Re-renders only when the warnings changed; the "ago" labels refresh through `tick`. */
  show(warnings: readonly WarningView[], nowMs: number): void {
    this.#warnings = warnings;
    this.#nowMs = nowMs;
    const key = `${this.#showAll}\u0000${warnings.map((warning) => `${warning.id}@${warning.atMs}:${warning.message}`).join('\u0000')}`;
    if (key === this.#renderedKey) return;
    this.#renderedKey = key;
    this.render();
  }

  /** Updates the "2 s ago" labels. */
  tick(nowMs: number): void {
    this.#nowMs = nowMs;
    for (const label of this.element.querySelectorAll<HTMLElement>('[data-at-ms]')) setText(label, formatAgo(Number(label.dataset['atMs']), nowMs));
  }

  private render(): void {
    const warnings = this.#warnings;
    if (warnings.length === 0) {
      this.element.replaceChildren(el('p', { class: 'muted quiet' }, codicon('check'), ' No deadlocks, lock-order inversions, long holds, timeout storms or lost updates so far.'));
      return;
    }
    const groups = groupWarnings(warnings);
    const shown = this.#showAll ? groups : groups.slice(0, FIRST_WARNINGS);
    const more = groups.length - shown.length;
    const toggle =
      groups.length > FIRST_WARNINGS &&
      el('button', { type: 'button', class: 'link show-more' }, more > 0 ? `Show all ${groups.length} kinds of warning` : 'Show fewer');
    if (toggle) {
      toggle.addEventListener('click', () => {
        this.#showAll = !this.#showAll;
        this.show(this.#warnings, this.#nowMs);
      });
    }
    const items = shown.map((group, index) => this.collapsible(group, index === 0));
    this.element.replaceChildren(el('ul', { class: 'warnings', 'aria-label': 'Warnings, newest first' }, ...items), ...(toggle ? [toggle] : []));
  }

  /** A card that shows its gist when closed and everything, with links, when open; repeats show as a count. */
  private collapsible(group: WarningGroup, newest: boolean): HTMLElement {
    const warning = group.latest;
    const [icon, title, gist] = warningHeadline(warning);
    const open = this.#userExpanded.has(group.key) || (newest && !this.#userCollapsed.has(group.key));
    const summary = el(
      'summary',
      {},
      el(
        'span',
        { class: 'warning-heading' },
        codicon(icon),
        el('strong', {}, title),
        group.count > 1 && el('span', { class: 'repeat-count', title: `${group.count} times; the newest is shown` }, `×${group.count}`),
        el('span', { class: 'muted ago', 'data-at-ms': warning.atMs }, formatAgo(warning.atMs, this.#nowMs)),
      ),
      el('span', { class: 'gist muted' }, gist),
    );
    const details = el('details', { open }, summary, ...this.body(warning));
    // A click (or Enter/Space) on the summary is the person's choice; the `toggle` event also fires for the default state.
    summary.addEventListener('click', () => {
      const opening = !details.open;
      (opening ? this.#userExpanded : this.#userCollapsed).add(group.key);
      (opening ? this.#userCollapsed : this.#userExpanded).delete(group.key);
    });
    return el('li', { class: `warning ${warning.kind}`, 'data-kind': warning.kind, title: warning.message }, details);
  }

  private body(warning: WarningView): HTMLElement[] {
    switch (warning.kind) {
      case 'deadlock':
        return [
          this.cycle(warning.cycle),
          el('p', { class: 'muted hint' }, 'The last request failed at once with E_DEADLOCK. Take these locks in one global order.'),
        ];
      case 'inversion':
        return [
          this.orderSite(warning.earlier),
          this.orderSite(warning.later),
          el('p', { class: 'muted hint' }, 'Two such calls at once can deadlock. Take both resources in one order.'),
        ];
      case 'longHold':
        return [el('p', {}, this.callLink(warning.owner), ` held `, this.resourceLink(warning.resource), ` for ${formatDuration(warning.heldMs)}. Held across a slow call?`)];
      case 'timeoutStorm':
        return [el('p', {}, `${warning.timeouts} timeouts on `, this.resourceLink(warning.resource), ` within ${formatDuration(warning.windowMs)}.`)];
      case 'advice':
      case 'leaseLost':
        return [el('p', {}, warning.message)];
      case 'lostUpdate':
        return this.lostUpdate(warning.event);
    }
  }

  /** The interleaving in three steps, each with its call and a link to its code. */
  private lostUpdate(event: LostUpdateEvent): HTMLElement[] {
    const step = (access: SharedStateAccess, owner: LockOwner | undefined, chainId: number, what: string) =>
      el('li', { class: 'lost-update-step' }, this.callLink(owner, chainId), ` ${what}`, access.location && el('br'), access.location && this.sourceLink(access.location));
    return [
      el(
        'ol',
        { class: 'lost-update', 'aria-label': `Interleaving on ${event.key}` },
        step(event.read, event.owner, event.chainId, `read ${event.key}`),
        step(event.overwritten, event.overwritten.owner, event.overwritten.chainId, `wrote it ${formatDuration(event.overwritten.atMs - event.read.atMs)} later`),
        step(event.staleWrite, event.owner, event.chainId, `wrote it from its stale read, ${formatDuration(event.atMs - event.read.atMs)} after reading: the other write is lost`),
      ),
      el('p', { class: 'muted hint' }, `Hold one lock across the read and the write, e.g. withLock('${suggestedLockId(event.key, event.keyKind)}', ...).`),
    ];
  }

  /** call -> resource -> call -> ..., with a return arrow from the last step back to the first. */
  private cycle(edges: Parameters<typeof cycleNodes>[0]): HTMLElement {
    const nodes = cycleNodes(edges);
    const items = nodes.map((node, index) => {
      const connector = index === nodes.length - 1 ? 'held by the first call' : node.kind === 'call' ? 'waits for' : 'held by';
      const body = node.kind === 'call' ? this.callLink(node.owner, node.chainId) : this.resourceLink(node.id);
      return el('li', { class: `cycle-node ${node.kind}` }, body, el('span', { class: 'cycle-connector muted' }, connector));
    });
    return el('ol', { class: 'cycle', 'aria-label': `Wait-for cycle: ${nodes.map((node) => (node.kind === 'call' ? node.label : node.id)).join(', then ')}, back to the first` }, ...items);
  }

  private orderSite(site: LockOrderSite): HTMLElement {
    const location = site.location;
    return el(
      'p',
      { class: 'order-site' },
      this.callLink(site.owner, site.chainId),
      ' took ',
      this.resourceLink(site.first),
      el('span', { class: 'arrow', 'aria-label': 'then' }, ' → '),
      this.resourceLink(site.second),
      location && el('br'),
      location && this.sourceLink(location),
    );
  }

  private callLink(owner: LockOwner | undefined, chainId = 0): HTMLElement {
    const label = describeOwner(owner, chainId);
    const tool = owner?.tool;
    if (!tool) return el('span', { class: 'call' }, label);
    const link = el('button', { type: 'button', class: 'link call', title: `Go to the ${tool} handler` }, el('span', { class: 'tool-swatch', 'data-slot': this.palette.slotOf(tool), 'aria-hidden': 'true' }), label);
    link.addEventListener('click', () => this.actions.revealTool(tool));
    return link;
  }

  private resourceLink(resource: string): HTMLElement {
    const link = el('button', { type: 'button', class: 'link resource', title: `Show ${resource} in the timeline` }, resource);
    link.addEventListener('click', () => this.actions.openTimeline(resource));
    return link;
  }

  private sourceLink(location: string): HTMLElement {
    const shortName = location.split(/[\\/]/).pop() ?? location;
    const link = el('button', { type: 'button', class: 'link source', title: location }, codicon('go-to-file'), shortName);
    link.addEventListener('click', () => this.actions.revealSource(location));
    return link;
  }
}

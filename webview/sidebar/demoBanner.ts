import type { DemoLoadState, ServerState } from '../../extension/contract/webviewMessages';
import { codicon } from '../shared/codicons';
import { el, iconButton } from '../shared/dom';

/** What the banner's links and button ask the host for. */
export interface DemoBannerActions {
  revealTool(tool: string): void;
  setDeadlockPair(enabled: boolean): void;
}

/** The two demo handlers that lock in opposite orders on purpose. */
const OPPOSITE_ORDER_PAIR = ['charge_fee', 'refund_fee'] as const;

/** While the bundled server runs its demo load: says the deadlocks are deliberate, links their handlers, switches them off. */
export class DemoBanner {
  readonly element: HTMLElement;
  #renderedKey = '';
  /** Open until the person folds it: a narrow side bar needs the room once it has been read. */
  #open = true;

  constructor(private readonly actions: DemoBannerActions) {
    this.element = el('section', { class: 'demo-banner', 'aria-label': 'About the demo load', hidden: true });
  }

  show(serverState: ServerState, demo: DemoLoadState | undefined): void {
    const visible = serverState === 'running' && demo !== undefined;
    const key = visible ? String(demo.deadlockPair) : '';
    if (key === this.#renderedKey) return;
    this.#renderedKey = key;
    this.element.hidden = !visible;
    if (!visible) return;
    const [first, second] = OPPOSITE_ORDER_PAIR.map((tool) => this.toolLink(tool));
    const explanation = demo.deadlockPair
      ? el(
          'p',
          {},
          'A client inside the server fires waves of parallel calls at a small bank. ',
          first,
          ' and ',
          second,
          ' lock an account and ',
          el('code', {}, 'fees'),
          ' in opposite orders on purpose: most waves one of them is refused with E_DEADLOCK (a deadlock averted) and the inversion is reported. That is the demo, not a fault.',
        )
      : el('p', {}, 'A client inside the server fires waves of parallel calls at a small bank, without the opposite-order pair (', first, ', ', second, '): no deliberate deadlocks.');
    const toggle = demo.deadlockPair
      ? iconButton('debug-stop', 'Turn the deadlock pair off', () => this.actions.setDeadlockPair(false), { className: 'button compact', title: 'Restart the demo server without charge_fee and refund_fee in its load' })
      : iconButton('play', 'Turn the deadlock pair on', () => this.actions.setDeadlockPair(true), { className: 'button compact', title: 'Restart the demo server with charge_fee and refund_fee in its load' });
    const folding = el('details', { open: this.#open }, el('summary', {}, el('h2', {}, codicon('run-all'), demo.deadlockPair ? 'Demo load: the deadlocks are deliberate' : 'Demo load')), explanation, toggle);
    folding.addEventListener('toggle', () => (this.#open = folding.open));
    this.element.replaceChildren(folding);
  }

  private toolLink(tool: string): HTMLElement {
    const link = el('button', { type: 'button', class: 'link call', title: `Go to the ${tool} handler` }, tool);
    link.addEventListener('click', () => this.actions.revealTool(tool));
    return link;
  }
}

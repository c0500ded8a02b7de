import type { CallerView } from '../../extension/contract/inspectorSnapshot';
import { countOf, formatDuration } from '../../extension/contract/describe';
import { el, setText } from '../shared/dom';

/** The figures of one caller, on the line under its name: `2 calls · 1 running · holding 1 · waiting 1 · 1 failed · wait p95 12 ms`. */
function callerFigures(caller: CallerView): string {
  const failed = caller.timeouts + caller.deadlocks;
  return [
    countOf(caller.calls, 'call'),
    caller.active > 0 && `${caller.active} running`,
    caller.holding > 0 && `holding ${caller.holding}`,
    caller.waiting > 0 && `waiting ${caller.waiting}`,
    failed > 0 && `${failed} failed`,
    caller.wait.count > 0 && `wait p95 ${formatDuration(caller.wait.p95)}`,
  ]
    .filter(Boolean)
    .join(' · ');
}

/**
 * Who makes the calls, where the spec has no session (as describeCaller names them): calls, what they hold and wait for now, failures and wait p95, busiest first; the tooltip names
 * the trace ids of the caller's latest calls, to find them in an OpenTelemetry backend.
 */
export class CallerList {
  readonly element: HTMLElement = el('ul', { class: 'caller-list', 'aria-label': 'Callers' });
  #key = '';
  readonly #figures = new Map<string, HTMLElement>();

  /** Shows `callers` in their order; rows are rebuilt only when the set or order of callers changes. */
  show(callers: readonly CallerView[]): void {
    const key = callers.map((caller) => caller.caller).join('\u0000');
    if (key !== this.#key) {
      this.#key = key;
      this.#figures.clear();
      this.element.replaceChildren(...callers.map((caller) => this.row(caller)));
    }
    for (const caller of callers) {
      const figures = this.#figures.get(caller.caller);
      if (!figures) continue;
      setText(figures, callerFigures(caller));
      figures.parentElement!.title = caller.traceIds.length > 0 ? `${caller.caller}\nLatest traces: ${caller.traceIds.join(', ')}` : caller.caller;
      figures.parentElement!.dataset['busy'] = String(caller.holding + caller.waiting > 0);
    }
  }

  private row(caller: CallerView): HTMLElement {
    const figures = el('span', { class: 'caller-figures muted' });
    this.#figures.set(caller.caller, figures);
    return el('li', { class: 'caller', 'data-caller': caller.caller }, el('span', { class: 'caller-name' }, caller.caller), figures);
  }
}

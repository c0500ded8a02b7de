import type { InspectorSnapshot } from '../../extension/contract/inspectorSnapshot';
import { pausedDebuggeeMessage } from '../../extension/contract/describe';
import { codicon } from '../shared/codicons';
import { el, setText } from '../shared/dom';

/** While a reporting debug session sits at a breakpoint: what the paused server holds and how many calls queue behind it. */
export class DebugPauseBanner {
  readonly #text = el('span', { class: 'debug-pause-text' });
  readonly element: HTMLElement = el('section', { class: 'debug-pause', role: 'status', 'aria-label': 'Debugger', hidden: true }, codicon('debug-pause'), this.#text);

  show(pausedSession: string | undefined, snapshot: InspectorSnapshot): void {
    this.element.hidden = pausedSession === undefined;
    if (pausedSession === undefined) return;
    const debugged = new Set(snapshot.sources.filter((source) => source.kind === 'debug' && source.connected).map((source) => source.id));
    const resources = snapshot.resources.filter((resource) => debugged.has(resource.sourceId));
    setText(this.#text, `${pausedSession} ${pausedDebuggeeMessage(resources)}`);
  }
}

import type { ToolView } from '../../extension/contract/inspectorSnapshot';
import { codicon } from '../shared/codicons';
import { el, setText } from '../shared/dom';
import { formatCount, formatPercentiles } from '../shared/format';
import type { ToolPalette } from '../shared/toolPalette';

/** What clicking a tool does. */
export interface ToolTableActions {
  filterTimeline(tool: string): void;
  revealTool(tool: string): void;
}

interface ToolRowCells {
  readonly name: HTMLElement;
  readonly active: HTMLElement;
  readonly calls: HTMLElement;
  readonly failed: HTMLElement;
  readonly wait: HTMLElement;
  readonly hold: HTMLElement;
}

/** Per-tool figures: calls, wait and hold p50/p95, failures. A row click filters the timeline to the tool. */
export class ToolTable {
  readonly element: HTMLElement;
  #toolsKey: string | undefined;
  /** Figures change with every snapshot and are updated in place; rows are rebuilt only when the tools change. */
  readonly #cells = new Map<string, ToolRowCells>();

  constructor(
    private readonly actions: ToolTableActions,
    private readonly palette: ToolPalette,
  ) {
    this.element = el('div', { class: 'tool-table-wrapper' });
  }

  show(tools: readonly ToolView[]): void {
    const toolsKey = tools.map((tool) => `${tool.tool}:${this.palette.slotOf(tool.tool)}`).join('\u0000');
    if (toolsKey !== this.#toolsKey) {
      this.#toolsKey = toolsKey;
      this.build(tools);
    }
    for (const tool of tools) {
      const cells = this.#cells.get(tool.tool);
      if (!cells) continue;
      const failures = tool.timeouts + tool.deadlocks;
      setText(cells.calls, formatCount(tool.calls));
      setText(cells.failed, failures > 0 ? formatCount(failures) : '–');
      cells.failed.classList.toggle('nonzero', failures > 0);
      setText(cells.wait.lastChild as HTMLElement, formatPercentiles(tool.wait));
      setText(cells.hold.lastChild as HTMLElement, formatPercentiles(tool.hold));
      setText(cells.active, tool.active > 0 ? String(tool.active) : '');
      cells.active.hidden = tool.active === 0;
      cells.active.title = `${tool.active} running now`;
    }
  }

  private build(tools: readonly ToolView[]): void {
    this.#cells.clear();
    if (tools.length === 0) {
      this.element.replaceChildren(el('p', { class: 'muted quiet' }, 'No tool calls yet.'));
      return;
    }
    const header = el(
      'div',
      { class: 'tool-row header', role: 'row' },
      el('div', { role: 'columnheader', class: 'cell col-name' }, 'Tool'),
      el('div', { role: 'columnheader', class: 'cell col-calls number' }, 'Calls'),
      el('div', { role: 'columnheader', class: 'cell col-failed number', title: 'Lock timeouts and deadlocks' }, 'Failed'),
      el('div', { role: 'columnheader', class: 'cell col-reveal' }, el('span', { class: 'visually-hidden' }, 'Handler')),
      el('div', { role: 'columnheader', class: 'cell col-wait visually-hidden' }, 'Lock wait, median / 95th percentile'),
      el('div', { role: 'columnheader', class: 'cell col-hold visually-hidden' }, 'Lock hold, median / 95th percentile'),
    );
    this.element.replaceChildren(
      el('div', { class: 'tool-table', role: 'table', 'aria-label': 'Tools', 'aria-rowcount': tools.length + 1 }, el('div', { role: 'rowgroup' }, header), el('div', { role: 'rowgroup' }, ...tools.map((tool) => this.row(tool)))),
    );
  }

  private row(tool: ToolView): HTMLElement {
    const reveal = el('button', { type: 'button', class: 'icon-button', title: `Go to the ${tool.tool} handler`, 'aria-label': `Go to the ${tool.tool} handler` }, codicon('go-to-file'));
    reveal.addEventListener('click', (event) => {
      event.stopPropagation();
      this.actions.revealTool(tool.tool);
    });
    const cells: ToolRowCells = {
      name: el('span', { class: 'ellipsis' }, tool.tool),
      active: el('span', { class: 'active-count', hidden: true }),
      calls: el('div', { role: 'cell', class: 'cell col-calls number' }),
      failed: el('div', { role: 'cell', class: 'cell col-failed number' }),
      wait: el('div', { role: 'cell', class: 'cell col-wait' }, el('span', { class: 'stat-label', 'aria-hidden': 'true' }, 'wait '), el('span')),
      hold: el('div', { role: 'cell', class: 'cell col-hold' }, el('span', { class: 'stat-label', 'aria-hidden': 'true' }, 'hold '), el('span')),
    };
    this.#cells.set(tool.tool, cells);
    const row = el(
      'div',
      { class: 'tool-row', role: 'row', tabindex: 0, title: `Show only ${tool.tool} in the timeline`, 'data-tool': tool.tool },
      el('div', { role: 'cell', class: 'cell col-name tool-name' }, el('span', { class: 'tool-swatch', 'data-slot': this.palette.slotOf(tool.tool), 'aria-hidden': 'true' }), cells.name, cells.active),
      cells.calls,
      cells.failed,
      el('div', { role: 'cell', class: 'cell col-reveal' }, reveal),
      cells.wait,
      cells.hold,
    );
    row.addEventListener('click', () => this.actions.filterTimeline(tool.tool));
    row.addEventListener('keydown', (event) => {
      if (event.target !== row || (event.key !== 'Enter' && event.key !== ' ')) return;
      event.preventDefault();
      this.actions.filterTimeline(tool.tool);
    });
    return row;
  }
}

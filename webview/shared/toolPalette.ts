import { preferredColorSlot, TOOL_COLOR_COUNT, ToolColorSlots } from '../../extension/contract/toolColorSlots';

export { TOOL_COLOR_COUNT };

/**
 * A tool's colour slot as the host's model assigned it (the same in every view, kept across Clear History and
 * reloads of a view); a tool the host has not assigned yet gets the slot its name hashes to.
 */
export class ToolPalette {
  #slots: Readonly<Record<string, number>> = {};

  /** Takes the host's assignments; without them (a recording from before they existed) assigns `tools` in name order. */
  update(slots: Readonly<Record<string, number>> | undefined, tools: readonly string[] = []): void {
    if (slots) {
      this.#slots = slots;
      return;
    }
    const assigned = new ToolColorSlots();
    for (const tool of [...new Set(tools)].sort()) assigned.assign(tool);
    this.#slots = assigned.toRecord();
  }

  /** The colour slot of `tool`; calls without a tool get the last slot. */
  slotOf(tool: string | undefined): number {
    if (tool === undefined) return TOOL_COLOR_COUNT - 1;
    return this.#slots[tool] ?? preferredColorSlot(tool);
  }
}

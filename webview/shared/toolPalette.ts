/** How many tool colours the stylesheets define (`--tool-color-0` ...). */
export const TOOL_COLOR_COUNT = 8;

/**
 * Gives each tool a colour slot that is the same in every view and after every reload: each tool prefers
 * the slot its name hashes to, and tools taken in name order step to the next free slot on a clash.
 */
export class ToolPalette {
  #slots = new Map<string, number>();
  #knownKey = '';

  /** Recomputes the slots when the set of tools changed. */
  update(tools: readonly string[]): void {
    const sorted = [...new Set(tools)].sort();
    const key = sorted.join('\u0000');
    if (key === this.#knownKey) return;
    this.#knownKey = key;
    const slots = new Map<string, number>();
    const taken = new Set<number>();
    for (const tool of sorted) {
      let slot = preferredSlot(tool);
      // Past TOOL_COLOR_COUNT tools some must share; they keep their preferred slot.
      for (let step = 0; step < TOOL_COLOR_COUNT && taken.has(slot); step++) slot = (slot + 1) % TOOL_COLOR_COUNT;
      taken.add(slot);
      slots.set(tool, slot);
    }
    this.#slots = slots;
  }

  /** The colour slot of `tool`; a tool not yet known gets its preferred slot. */
  slotOf(tool: string | undefined): number {
    if (tool === undefined) return TOOL_COLOR_COUNT - 1;
    return this.#slots.get(tool) ?? preferredSlot(tool);
  }
}

function preferredSlot(tool: string): number {
  // FNV-1a: cheap and spreads short, similar names well.
  let hash = 0x811c9dc5;
  for (let index = 0; index < tool.length; index++) hash = Math.imul(hash ^ tool.charCodeAt(index), 0x01000193);
  return (hash >>> 0) % TOOL_COLOR_COUNT;
}

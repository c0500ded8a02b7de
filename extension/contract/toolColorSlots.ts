/** How many tool colours the stylesheets define (`--tool-color-0` ...). */
export const TOOL_COLOR_COUNT = 8;

// Tools remembered at most: a server that makes up tool names cannot grow this without bound.
const MAX_REMEMBERED_TOOLS = 10_000;

/**
 * Gives tools colour slots once, in the order they are first seen, and never takes one back (Clear History
 * included), so a tool keeps its colour in every view for the whole session: each tool prefers the slot its name
 * hashes to and steps to the next free one on a clash; past TOOL_COLOR_COUNT tools some share.
 */
export class ToolColorSlots {
  readonly #slots = new Map<string, number>();

  /** The slot of `tool`, assigning one at first sight. */
  assign(tool: string): number {
    const known = this.#slots.get(tool);
    if (known !== undefined) return known;
    const taken = new Set(this.#slots.values());
    let slot = preferredColorSlot(tool);
    for (let step = 0; step < TOOL_COLOR_COUNT && taken.has(slot); step++) slot = (slot + 1) % TOOL_COLOR_COUNT;
    this.#slots.set(tool, slot);
    if (this.#slots.size > MAX_REMEMBERED_TOOLS) this.#slots.delete(this.#slots.keys().next().value!);
    return slot;
  }

  /** Every assignment so far, for the views. */
  toRecord(): Record<string, number> {
    return Object.fromEntries(this.#slots);
  }
}

/** The slot a tool's name hashes to: what a view uses for a tool the host has not assigned. */
export function preferredColorSlot(tool: string): number {
  // FNV-1a: cheap and spreads short, similar names well.
  let hash = 0x811c9dc5;
  for (let index = 0; index < tool.length; index++) hash = Math.imul(hash ^ tool.charCodeAt(index), 0x01000193);
  return (hash >>> 0) % TOOL_COLOR_COUNT;
}

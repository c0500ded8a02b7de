import type { SourcedEvent } from '../../contract/inspectorSnapshot';

/** A tool seen to take only read locks and write no tracked state: it may be annotated read-only. */
export interface ReadOnlyHint {
  readonly sourceId: string;
  readonly tool: string;
  readonly calls: number;
  readonly readLocks: number;
}

// Fewer calls than this say too little about what a tool does.
const MIN_CALLS = 3;

/**
 * From what each tool was seen to do, the tools that may carry `readOnlyHint: true` (clients run read-only tools in
 * parallel): every lock they took was a read lock, and no lost-update report names them as a writer.
 */
export function parallelSafetyHints(history: readonly SourcedEvent[]): ReadOnlyHint[] {
  const seen = new Map<string, { sourceId: string; tool: string; calls: number; readLocks: number; wrote: boolean }>();
  const toolOf = (sourceId: string, tool: string | undefined) => {
    if (tool === undefined) return undefined;
    const key = `${sourceId}\u0000${tool}`;
    let entry = seen.get(key);
    if (!entry) seen.set(key, (entry = { sourceId, tool, calls: 0, readLocks: 0, wrote: false }));
    return entry;
  };
  for (const event of history) {
    switch (event.type) {
      case 'callStarted': {
        const tool = toolOf(event.sourceId, event.owner.tool);
        if (tool) tool.calls += 1;
        break;
      }
      case 'requested': {
        const tool = toolOf(event.sourceId, event.owner?.tool);
        if (!tool) break;
        if (event.mode === 'read') tool.readLocks += 1;
        else tool.wrote = true;
        break;
      }
      case 'lostUpdate':
        for (const owner of [event.owner, event.overwritten.owner]) {
          const tool = toolOf(event.sourceId, owner?.tool);
          if (tool) tool.wrote = true;
        }
        break;
    }
  }
  return [...seen.values()]
    .filter((tool) => !tool.wrote && tool.readLocks > 0 && tool.calls >= MIN_CALLS)
    .map(({ sourceId, tool, calls, readLocks }) => ({ sourceId, tool, calls, readLocks }));
}

import type { SourcedEvent } from '../../contract/inspectorSnapshot';
import { callKeyOf } from '../../contract/lockIntervals';
import type { ReadOnlyViolationFigures } from '../../contract/describe';

/** A tool seen to take only read locks and write no tracked state: it may be annotated read-only. */
export interface ReadOnlyHint {
  readonly sourceId: string;
  readonly tool: string;
  readonly calls: number;
  readonly readLocks: number;
}

/** A tool annotated `readOnlyHint: true` that was seen to take write locks or write tracked shared state, in one source. */
export interface ReadOnlyViolation extends ReadOnlyViolationFigures {
  readonly sourceId: string;
}

// Fewer calls than this say too little about what a tool does.
const MIN_CALLS = 3;
// Resources and keys a violation names; the counts cover the rest.
const MAX_NAMED = 3;

/** What one tool of one source was seen to do. */
interface ToolConduct {
  readonly sourceId: string;
  readonly tool: string;
  calls: number;
  readLocks: number;
  writeLocks: number;
  readonly writeLockResources: Set<string>;
  /** Tracked writes the ends of its calls counted, and which calls' ends did. */
  countedWrites: number;
  readonly countedCalls: Set<string>;
  /** Per call, its writes lost-update reports name, by `chainId:atMs` (a write both stale and, later, overwritten counts once). */
  readonly reportedWrites: Map<string, Set<string>>;
  readonly writtenKeys: Set<string>;
  /** `readOnlyHint` of its latest call that carried annotations. */
  readOnlyHint: boolean | undefined;
}

/**
 * From what each tool was seen to do, the tools that may carry `readOnlyHint: true` (clients run read-only tools in
 * parallel): every lock they took was a read lock, they wrote no tracked shared state, and they are not
 * annotated read-only already.
 */
export function parallelSafetyHints(history: readonly SourcedEvent[]): ReadOnlyHint[] {
  return [...toolConduct(history)]
    .filter((tool) => tool.readOnlyHint !== true && tool.writeLocks === 0 && trackedWritesOf(tool) === 0 && tool.readLocks > 0 && tool.calls >= MIN_CALLS)
    .map(({ sourceId, tool, calls, readLocks }) => ({ sourceId, tool, calls, readLocks }));
}

/**
 * The tools whose annotation says `readOnlyHint: true` (as their server lists them; every call reports it) but which
 * took a write lock or wrote tracked shared state: a client that runs read-only tools in parallel trusts that hint.
 */
export function readOnlyViolations(history: readonly SourcedEvent[]): ReadOnlyViolation[] {
  return [...toolConduct(history)]
    .map((tool) => ({ tool, trackedWrites: trackedWritesOf(tool) }))
    .filter(({ tool, trackedWrites }) => tool.readOnlyHint === true && (tool.writeLocks > 0 || trackedWrites > 0))
    .map(({ tool: { sourceId, tool, calls, writeLocks, writeLockResources, writtenKeys }, trackedWrites }) => ({
      sourceId,
      tool,
      calls,
      writeLocks,
      writeLockResources: [...writeLockResources].slice(0, MAX_NAMED),
      trackedWrites,
      writtenKeys: [...writtenKeys].slice(0, MAX_NAMED),
    }));
}

/** The tracked writes the ends of its calls counted, plus those lost-update reports name of calls whose end counted none. */
function trackedWritesOf(tool: ToolConduct): number {
  let writes = tool.countedWrites;
  for (const [call, reported] of tool.reportedWrites) if (!tool.countedCalls.has(call)) writes += reported.size;
  return writes;
}

function toolConduct(history: readonly SourcedEvent[]): Iterable<ToolConduct> {
  const seen = new Map<string, ToolConduct>();
  const toolOf = (sourceId: string, tool: string | undefined): ToolConduct | undefined => {
    if (tool === undefined) return undefined;
    const key = `${sourceId}\u0000${tool}`;
    let entry = seen.get(key);
    if (!entry) {
      entry = {
        sourceId,
        tool,
        calls: 0,
        readLocks: 0,
        writeLocks: 0,
        writeLockResources: new Set(),
        countedWrites: 0,
        countedCalls: new Set(),
        reportedWrites: new Map(),
        writtenKeys: new Set(),
        readOnlyHint: undefined,
      };
      seen.set(key, entry);
    }
    return entry;
  };
  for (const event of history) {
    switch (event.type) {
      case 'callStarted': {
        const tool = toolOf(event.sourceId, event.owner.tool);
        if (!tool) break;
        tool.calls += 1;
        if (event.annotations !== undefined) tool.readOnlyHint = event.annotations.readOnlyHint;
        break;
      }
      case 'requested': {
        const tool = toolOf(event.sourceId, event.owner?.tool);
        if (!tool) break;
        if (event.mode === 'read') {
          tool.readLocks += 1;
        } else {
          tool.writeLocks += 1;
          tool.writeLockResources.add(event.resource);
        }
        break;
      }
      case 'callEnded': {
        if (event.sharedWrites === undefined) break;
        const tool = toolOf(event.sourceId, event.owner.tool);
        if (!tool) break;
        tool.countedWrites += event.sharedWrites.count;
        tool.countedCalls.add(callKeyOf(event.sourceId, event.owner));
        for (const key of event.sharedWrites.keys) tool.writtenKeys.add(key);
        break;
      }
      case 'lostUpdate':
        for (const [owner, chainId, atMs] of [
          [event.owner, event.chainId, event.staleWrite.atMs],
          [event.overwritten.owner, event.overwritten.chainId, event.overwritten.atMs],
        ] as const) {
          if (owner === undefined) continue;
          const tool = toolOf(event.sourceId, owner.tool);
          if (!tool) continue;
          const call = callKeyOf(event.sourceId, owner);
          let reported = tool.reportedWrites.get(call);
          if (reported === undefined) {
            reported = new Set();
            tool.reportedWrites.set(call, reported);
          }
          reported.add(`${chainId}:${atMs}`);
          tool.writtenKeys.add(event.key);
        }
        break;
    }
  }
  return seen.values();
}

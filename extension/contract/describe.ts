import type { LockOwner } from './lockEvents';

/** How a holder or waiter is named in messages: `transfer #12`, a label, or the chain id as a last resort. */
export function describeOwner(owner: LockOwner | undefined, chainId?: number): string {
  if (owner?.tool !== undefined) return owner.requestId !== undefined ? `${owner.tool} #${owner.requestId}` : owner.tool;
  if (owner?.label !== undefined) return owner.label;
  return chainId !== undefined ? `chain ${chainId}` : 'unknown owner';
}

/** A duration for people: `850 µs`, `42 ms`, `3.2 s`, `4 min 10 s`. */
export function formatDuration(durationMs: number): string {
  if (durationMs <= 0) return '0 ms';
  if (durationMs < 1) return `${Math.round(durationMs * 1000)} µs`;
  if (durationMs < 1000) return `${durationMs < 10 ? durationMs.toFixed(1) : Math.round(durationMs)} ms`;
  if (durationMs < 60_000) return `${(durationMs / 1000).toFixed(1)} s`;
  return `${Math.floor(durationMs / 60_000)} min ${Math.round((durationMs % 60_000) / 1000)} s`;
}

/** Identifies one tool call of one source, to pair its start with its end. */
export function callKeyOf(sourceId: string, owner: LockOwner): string {
  return `${sourceId}\u0000${owner.sessionId ?? ''}\u0000${owner.requestId ?? ''}\u0000${owner.tool ?? ''}`;
}

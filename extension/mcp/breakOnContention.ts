import { sharedStateTracker, type ResourceLockMap } from 'mcp-lock-inspector/locks';
import { BREAK_ON_ENV, parseBreakOn, type BreakOnKind } from '../contract/breakOn';
import type { LockEvent, LostUpdateEvent } from '../contract/lockEvents';

/**
 * Pauses an attached debugger where contention happens (`lockInspector.breakOn` under Debug Server, through
 * MCP_LOCK_INSPECTOR_BREAK_ON): a deadlock is found while the failing call asks for its lock, so the pause is in that
 * call's own stack, one frame under its handler; a lost update pauses at the stale write; timeouts and long holds pause
 * in the lock map's timer with the event (owner, resource) in scope. Without a debugger `debugger` does nothing, and
 * without the variable nothing is subscribed. Returns the unsubscribe function.
 */
export function breakOnContention(locks: Pick<ResourceLockMap, 'subscribe'>, env: NodeJS.ProcessEnv = process.env): () => void {
  const kinds = new Set<BreakOnKind>(parseBreakOn(env[BREAK_ON_ENV]));
  if (kinds.size === 0) return () => {};
  const pauseOn = (event: LockEvent | LostUpdateEvent) => {
    if (!kinds.has(event.type as BreakOnKind)) return;
    // Paused by lockInspector.breakOn: `event` says which call and resource; step out to the handler that asked.
    // eslint-disable-next-line no-debugger
    debugger;
  };
  const unsubscribers = [locks.subscribe(pauseOn), ...(kinds.has('lostUpdate') ? [sharedStateTracker.subscribe(pauseOn)] : [])];
  return () => unsubscribers.forEach((unsubscribe) => unsubscribe());
}

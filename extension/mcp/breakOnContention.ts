import { setLockPauses, sharedStateTracker, type LockTimeoutError, type LongHoldPause, type ResourceLockMap } from 'mcp-lock-inspector/locks';
import { BREAK_ON_ENV, parseBreakOn, type BreakOnKind } from '../contract/breakOn';
import type { LockEvent, LostUpdateEvent } from '../contract/lockEvents';

/**
 * Pauses an attached debugger where contention happens (`lockInspector.breakOn` under Debug Server, through
 * MCP_LOCK_INSPECTOR_BREAK_ON), each time in the code of the call that hit it: a deadlock is found while the failing
 * call asks for its lock, so the pause is in that call's own stack, one frame under its handler; a lost update pauses
 * at the stale write; a timeout pauses in the failing call's continuation just before the error reaches the handler's
 * `await` (the handler is the async caller frame; step out to land there); a long hold pauses in the holder's own
 * code at its next resumption (the handler's frame on the stack with its locals), or as its hold ends. Without a
 * debugger `debugger` does nothing, and without the variable nothing is subscribed. Returns the unsubscribe function.
 */
export function breakOnContention(locks: Pick<ResourceLockMap, 'subscribe'>, env: NodeJS.ProcessEnv = process.env): () => void {
  const kinds = new Set<BreakOnKind>(parseBreakOn(env[BREAK_ON_ENV]));
  if (kinds.size === 0) return () => {};
  const pauseOn = (event: LockEvent | LostUpdateEvent) => {
    if (event.type !== 'deadlock' && event.type !== 'lostUpdate') return;
    if (!kinds.has(event.type)) return;
    // Paused by lockInspector.breakOn: `event` says which call and resource; step out to the handler that asked.
    // eslint-disable-next-line no-debugger
    debugger;
  };
  const clearPauses = setLockPauses({
    ...(kinds.has('timeout') ? { timeout: pauseOnTimeout } : {}),
    ...(kinds.has('longHold') ? { longHold: pauseOnLongHold } : {}),
  });
  // Subscribed for long holds too: a lock map watches holds only while someone listens.
  const unsubscribers = [locks.subscribe(pauseOn), ...(kinds.has('lostUpdate') ? [sharedStateTracker.subscribe(pauseOn)] : []), clearPauses];
  return () => unsubscribers.forEach((unsubscribe) => unsubscribe());
}

function pauseOnTimeout(error: LockTimeoutError): void {
  // Paused by lockInspector.breakOn: this call's wait for `error.resource` timed out (owner, holders and waitedMs in
  // `error`); the async caller frame is the handler's withLock. Step out to receive the error there.
  // eslint-disable-next-line no-debugger
  debugger;
  void error; // read, so that it stays in scope when optimised
}

function pauseOnLongHold(hold: LongHoldPause): void {
  // Paused by lockInspector.breakOn: the frame below is the long holder's own code, just resumed, with its locals;
  // `hold` says which resource it has held for how long.
  // eslint-disable-next-line no-debugger
  debugger;
  void hold; // read, so that it stays in scope when optimised
}

import { LockTimeoutError } from './lockErrors';
import type { LockOwner } from '../contract/lockEvents';

/** A long hold as its pause sees it. */
export interface LongHoldPause {
  readonly resource: string;
  readonly owner: LockOwner | undefined;
  readonly heldMs: number;
}

/**
 * Where `lockInspector.breakOn` pauses a debugged server in the failing call's own code rather than in the lock map's
 * timer: each function runs `debugger` (set by mcp-lock-inspector/mcp's breakOnContention).
 */
export interface LockPauses {
  /** Runs in the continuation of the call whose wait timed out, just before its error reaches the caller's `await`. */
  readonly timeout?: (error: LockTimeoutError) => void;
  /** Runs in the long holder's own code at its next resumption (the first promise it makes after the threshold), else as its hold ends. */
  readonly longHold?: (hold: LongHoldPause) => void;
}

let pauses: LockPauses = {};

/** Sets what every lock map pauses on from now on; returns the function that clears it again. */
export function setLockPauses(next: LockPauses): () => void {
  pauses = next;
  return () => {
    if (pauses === next) pauses = {};
  };
}

/** The pauses set now. */
export function lockPauses(): LockPauses {
  return pauses;
}

/**
 * The rejection handler of a call that had to wait: pauses there when its wait timed out and `timeout` is asked for,
 * then rethrows. It runs in the call's own async context, as the reaction the caller's `await` continues from.
 */
export function rethrowLockFailure(error: unknown): never {
  const pause = pauses.timeout;
  if (pause !== undefined && error instanceof LockTimeoutError) pause(error);
  throw error;
}

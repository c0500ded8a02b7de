import { describeCycle, describeParty, formatDuration, quoteResource } from '../contract/describe';
import type { LockMode, LockOwner, LockParty, WaitForEdge } from '../contract/lockEvents';

/** Stable machine-readable code of every lock failure. */
export type LockErrorCode =
  | 'E_LOCK_TIMEOUT'
  | 'E_LOCK_ABORTED'
  | 'E_DEADLOCK'
  | 'E_LOCK_REENTRANT'
  | 'E_LOCK_BACKEND'
  | 'E_LOCK_LEASE_LOST';

/** What every lock failure knows: the request that failed and the resource it was asking for. */
export interface LockFailure {
  /** The resource the call was asking for when it failed. */
  readonly resource: string;
  /** Every resource of the call (one for `withLock`); none of them is held after the error. */
  readonly resources: readonly string[];
  readonly mode: LockMode;
  readonly chainId: number;
  readonly owner?: LockOwner;
  /** How long the call waited in total, in milliseconds. */
  readonly waitedMs: number;
  /** Who held `resource` when the call failed. */
  readonly holders: readonly LockParty[];
  /** Epoch milliseconds of the failure, to say how long each holder had held it. */
  readonly atMs: number;
}

/** Base class of every lock failure: `code` is stable, the message says what happened and what to do. */
export abstract class LockError extends Error {
  abstract readonly code: LockErrorCode;

  protected constructor(failure: LockFailure, message: string) {
    super(message);
    this.name = new.target.name;
    const { resource, resources, mode, chainId, owner, waitedMs, holders, atMs } = failure;
    Object.assign(this, { resource, resources, mode, chainId, owner, waitedMs, holders, atMs });
  }
}

// Declaration merging: every LockError carries the LockFailure fields its constructor copies, declared once.
export interface LockError extends LockFailure {}

/** The call waited `timeoutMs` for its locks and gave up; nothing is held afterwards. */
export class LockTimeoutError extends LockError {
  readonly code = 'E_LOCK_TIMEOUT';

  constructor(failure: LockFailure) {
    super(
      failure,
      `Timed out after ${formatDuration(failure.waitedMs)} waiting for ${describeRequest(failure)}${describeHolders(failure)}. ` +
        'A holder is probably awaiting something slow inside its locked section: move slow calls out of it, ' +
        'or pass a larger timeoutMs.',
    );
  }
}

/** The call was cancelled (its AbortSignal fired) while it waited; nothing is held afterwards. */
export class LockAbortedError extends LockError {
  readonly code = 'E_LOCK_ABORTED';
  /** The abort reason's message, when it had one. */
  readonly reason?: string;

  constructor(failure: LockFailure, reason: string | undefined) {
    super(
      failure,
      `Stopped waiting for ${describeRequest(failure)} after ${formatDuration(failure.waitedMs)} because the call was ` +
        `cancelled${reason === undefined ? '' : ` (${reason})`}${describeHolders(failure)}. Nothing is held; ` +
        'retry the call if the cancellation was not intended.',
    );
    this.reason = reason;
  }
}

/** Waiting would have closed a wait-for cycle; this call was refused at once so the others can proceed. */
export class DeadlockError extends LockError {
  readonly code = 'E_DEADLOCK';
  /** The cycle, starting with this call's wait: each waiter waits for a resource its edge's holder holds. */
  readonly cycle: readonly WaitForEdge[];

  constructor(failure: LockFailure, cycle: readonly WaitForEdge[]) {
    super(
      failure,
      `Deadlock: ${describeCycle(cycle)}. This request was refused at once, so the others proceed as soon as ` +
        'the error unwinds this call chain. Take resources in one global order, e.g. with one withLocks([...]) call, which sorts them, ' +
        'instead of nesting withLock calls in different orders.',
    );
    this.cycle = cycle;
  }
}

/** The call chain asked for a resource it already holds; waiting would wait for itself forever. */
export class LockReentrantError extends LockError {
  readonly code = 'E_LOCK_REENTRANT';

  constructor(failure: LockFailure) {
    super(
      failure,
      `${describeRequest(failure)} is already held by this call chain (${describeParty(failure)}); asking for it ` +
        'again inside would wait for itself forever. Take it once: pass every resource to one withLocks call ' +
        '(it removes duplicates), or run the inner code without taking the lock again.',
    );
  }
}

/** The lock backend (Redis) could not be reached or failed; the call holds nothing it could vouch for. */
export class LockBackendError extends LockError {
  readonly code = 'E_LOCK_BACKEND';

  constructor(failure: LockFailure, cause: string) {
    super(
      failure,
      `The lock backend failed while ${describeRequest(failure)} was asked for: ${cause}. Nothing is held; ` +
        'check that Redis is running and reachable, then retry the call.',
    );
  }
}

/** The hold's lease ran out (paused process, lost connection): another caller may hold the resource now. */
export class LockLeaseLostError extends LockError {
  readonly code = 'E_LOCK_LEASE_LOST';

  constructor(failure: LockFailure, leaseMs: number) {
    super(
      failure,
      `The ${formatDuration(leaseMs)} lease on ${describeRequest(failure)} ran out before the work finished, so ` +
        'another caller may have taken it; the work was told through its signal. Writes checked against the fencing ' +
        'token were refused; pass a longer leaseMs if the work is slow rather than stuck.',
    );
  }
}

function describeRequest(failure: LockFailure): string {
  const resource = `${quoteResource(failure.resource)} (${failure.mode} lock)`;
  if (failure.resources.length < 2) return resource;
  return `${resource}, one of ${failure.resources.length} resources [${failure.resources.map(quoteResource).join(', ')}]`;
}

function describeHolders(failure: LockFailure): string {
  if (failure.holders.length === 0) return '';
  const holders = failure.holders.map(
    (holder) => `${describeParty(holder)} for ${formatDuration(failure.atMs - holder.sinceMs)}`,
  );
  return `; it is held by ${holders.join(', ')}`;
}

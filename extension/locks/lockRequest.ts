import type { LockFrame } from './lockContext';
import type { LockMode } from '../contract/lockEvents';
import { LockCall } from './lockCall';
import type { WatchedHold } from './longHoldWatchdog';
import type { DeadlineQueue } from './waitDeadlines';

/** A busy resource: who holds it and the FIFO queue of requests waiting for it. Deleted as soon as it is idle. */
export interface ResourceEntry {
  readonly id: string;
  /** Mode of the current holders: several readers or one writer. */
  mode: LockMode;
  readonly holders: Hold[];
  queueHead: LockRequest | undefined;
  queueTail: LockRequest | undefined;
  queueLength: number;
  /** Whether nobody holds or waits for it and the map keeps it for reuse. */
  idle: boolean;
  /** Set once the entry left the map, so it is never deleted twice (a newer entry may hold its id by then). */
  removed: boolean;
}

/** One request holding one resource. */
export interface Hold extends WatchedHold<Hold> {
  readonly request: LockRequest;
  readonly entry: ResourceEntry;
}

/**
 * One `withLock`/`withLocks` call: the resources it takes in order, where it waits, what it holds, and the
 * frame its function runs in (so nested calls see what it holds).
 */
export class LockRequest extends LockCall {
  /** The first resource taken, and the others (`withLocks`) in order: no array on the single-resource fast path. */
  firstHold: Hold | undefined = undefined;
  laterHolds: Hold[] | undefined = undefined;
  /** Index in `resources` of the next resource to take. */
  nextIndex = 0;
  /** The resource whose queue this request is in, if it waits. */
  waitingFor: ResourceEntry | undefined = undefined;
  /** When it joined the current queue, and when it first waited (the timeout covers the whole call). */
  waitSinceMs = 0;
  firstWaitMs: number | undefined = undefined;
  queuePrev: LockRequest | undefined = undefined;
  queueNext: LockRequest | undefined = undefined;
  /** Neighbours among the waiting requests of the same chain (a list, not a Set: no allocation per wait). */
  previousWaitingInChain: LockRequest | undefined = undefined;
  nextWaitingInChain: LockRequest | undefined = undefined;
  /** Settles the promise of a call that had to wait; set on the first wait only. */
  resolveWait: (() => void) | undefined = undefined;
  rejectWait: ((error: Error) => void) | undefined = undefined;
  /** When the whole wait times out, and the neighbours in the queue of waits with the same timeout (while waiting). */
  deadlineMs = 0;
  deadlineQueue: DeadlineQueue | undefined = undefined;
  deadlinePrev: LockRequest | undefined = undefined;
  deadlineNext: LockRequest | undefined = undefined;
}

/** Whether `ancestor` is `frame` or encloses it: then its function is (indirectly) running `frame`'s code. */
export function isAncestorOrSelf(ancestor: LockFrame, frame: LockFrame | undefined): boolean {
  for (let current = frame; current !== undefined; current = current.parent) {
    if (current === ancestor) return true;
  }
  return false;
}

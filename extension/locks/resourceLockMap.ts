import { AbortSignalWaiters } from './abortSignalWaiters';
import { currentLockFrame, runInLockFrame } from './lockContext';
import {
  DeadlockError,
  LockAbortedError,
  LockReentrantError,
  LockTimeoutError,
  type LockFailure,
} from './lockErrors';
import type {
  LockMode,
  LockOwner,
  LockParty,
  LockSnapshot,
  ResourceSnapshot,
  WaitForEdge,
} from '../contract/lockEvents';
import { LockEventPublisher, type LockListener } from './lockEventPublisher';
import { DEFAULT_MAX_ORDER_PAIRS } from './lockOrderGraph';
import { LockOrderRecorder } from './lockOrderRecorder';
import { rethrowLockFailure } from './lockPauses';
import { isAncestorOrSelf, LockRequest, type Hold, type ResourceEntry } from './lockRequest';
import { LongHoldWatchdog } from './longHoldWatchdog';
import { nowMs } from './nowMs';
import { WaitDeadlines } from './waitDeadlines';

export type { LockListener } from './lockEventPublisher';

/** Idle entries a map keeps for reuse: enough for the ids of a typical `withLocks` call taking turns with another. */
const MAX_IDLE_ENTRIES = 4;

/** Default wait before E_LOCK_TIMEOUT, in milliseconds. */
export const DEFAULT_TIMEOUT_MS = 5000;
/** Default hold duration after which a `longHold` event fires, in milliseconds. */
export const DEFAULT_LONG_HOLD_MS = 1000;

/** Options of a `ResourceLockMap`. */
export interface ResourceLockMapOptions {
  /** How long a call may wait for its locks before E_LOCK_TIMEOUT (default 5000; `Infinity` waits forever; 0 never waits). */
  readonly timeoutMs?: number;
  /** A hold longer than this emits one `longHold` event (default 1000; `Infinity` turns it off). */
  readonly longHoldMs?: number;
  /** Most ordered resource pairs remembered for `inversion` events, roughly the least recently seen forgotten first (default 4096). */
  readonly maxOrderPairs?: number;
}

/** Options of one `withLock`/`withLocks` call. */
export interface LockCallOptions {
  /** Overrides the map's timeout for this call; it covers every resource of a `withLocks` call together. */
  readonly timeoutMs?: number;
  /** Cancels the wait (E_LOCK_ABORTED); combined with the signal of the enclosing `runWithLockContext`. */
  readonly signal?: AbortSignal;
  /** `read` shares the resource with other readers; `write` (the default) takes it alone. */
  readonly mode?: LockMode;
  /** Who is asking, for events, snapshots and error messages; defaults to the enclosing context's owner. */
  readonly owner?: LockOwner;
}

/**
 * Per-resource locks that stay correct under timeouts, cancellation, nesting and deadlock, with live events.
 *
 * Each request for a resource emits `requested`, then exactly one of `acquired` (later `released`), `timeout`,
 * `aborted`, `deadlock` or `reentrant`.
 *
 * Own queue rather than async-mutex: async-mutex cannot remove one waiter (DirtyHairy/async-mutex#64) and its
 * `withTimeout` leaves ghost waiters, so a timed-out or aborted waiter would still be served later; it has no
 * reader/writer lock; and a bare `runExclusive` measured slower than this map's complete uncontended `withLock`
 * (owner, re-entrancy and deadlock bookkeeping included) in the same run of `npm run bench`, so any map built on
 * it would be slower still. Uncontended calls arm no timer; waits share one per distinct timeout, which keeps the
 * process alive only while a call waits.
 */
export class ResourceLockMap {
  private readonly entries = new Map<string, ResourceEntry>();
  /** The entries that went idle last, oldest first, left in `entries` so that calls taking turns on a few ids insert and delete nothing. */
  private readonly idleEntries: ResourceEntry[] = [];
  private readonly timeoutMs: number;
  private readonly events = new LockEventPublisher();
  private readonly lockOrder: LockOrderRecorder;
  private readonly signalWaiters = new AbortSignalWaiters((request) => this.onAbort(request));
  private readonly deadlines = new WaitDeadlines((request) => this.onTimeout(request));
  /** Absent when long holds are not reported (`longHoldMs: Infinity`). */
  private readonly longHoldWatchdog: LongHoldWatchdog<Hold> | undefined;

  constructor(options: ResourceLockMapOptions | number = {}) {
    const { timeoutMs = DEFAULT_TIMEOUT_MS, longHoldMs = DEFAULT_LONG_HOLD_MS, maxOrderPairs = DEFAULT_MAX_ORDER_PAIRS } =
      typeof options === 'number' ? { timeoutMs: options } : options;
    this.timeoutMs = checkDuration('timeoutMs', timeoutMs);
    checkDuration('longHoldMs', longHoldMs);
    this.longHoldWatchdog =
      longHoldMs === Infinity
        ? undefined
        : new LongHoldWatchdog<Hold>({
            thresholdMs: longHoldMs,
            resourceOf: (hold) => hold.entry.id,
            waitsForLock: (hold) => hold.request.chain.firstWaiting !== undefined,
            onLongHold: (hold, heldMs, atMs, slowCall) => this.events.longHold(hold, heldMs, longHoldMs, atMs, slowCall),
          });
    if (!Number.isInteger(maxOrderPairs) || maxOrderPairs < 0) {
      throw new RangeError(`maxOrderPairs must be a non-negative integer, got ${String(maxOrderPairs)}.`);
    }
    this.lockOrder = new LockOrderRecorder(maxOrderPairs, this.events);
  }

  /** Number of busy resources (held or waited for); idle ones are removed (the last few only once others go idle). */
  get size(): number {
    return this.entries.size - this.idleEntries.length;
  }

  /** Runs `fn` while holding `resource`, and releases it however `fn` ends; `fn`'s result or error passes through unchanged. */
  withLock<T>(resource: string, fn: () => T | PromiseLike<T>, options?: LockCallOptions): Promise<Awaited<T>> {
    if (typeof resource !== 'string') {
      return Promise.reject(new TypeError(`withLock needs a resource id string, got ${describeValue(resource)}.`));
    }
    return this.start([resource], fn, options, ResourceLockMap.prototype.withLock);
  }

  /**
   * Runs `fn` while holding every resource of `resources`, taken in one global (sorted) order, duplicates once,
   * all or nothing within one timeout: on failure whatever was taken is released.
   */
  withLocks<T>(
    resources: Iterable<string>,
    fn: () => T | PromiseLike<T>,
    options?: LockCallOptions,
  ): Promise<Awaited<T>> {
    const iterable = typeof (resources as Partial<Iterable<string>> | null)?.[Symbol.iterator] === 'function';
    const ids = iterable && typeof resources !== 'string' ? [...resources] : undefined;
    const wrongIndex = ids?.findIndex((id) => typeof id !== 'string') ?? -1;
    if (ids === undefined || wrongIndex !== -1) {
      const got = ids === undefined ? describeValue(resources) : `an array containing ${describeValue(ids[wrongIndex])}`;
      return Promise.reject(new TypeError(`withLocks needs an array of resource id strings, got ${got}.`));
    }
    return this.start(sortedUnique(ids), fn, options, ResourceLockMap.prototype.withLocks);
  }

  /** The busy resources now: holders and waiters (in queue order) with owners and since when. */
  snapshot(): LockSnapshot {
    const resources: ResourceSnapshot[] = [];
    for (const entry of this.entries.values()) {
      if (entry.idle) continue;
      const waiters: LockParty[] = [];
      for (let waiter = entry.queueHead; waiter !== undefined; waiter = waiter.queueNext) {
        waiters.push(partyOf(waiter, waiter.waitSinceMs));
      }
      resources.push({ id: entry.id, holders: entry.holders.map((hold) => partyOf(hold.request, hold.sinceMs)), waiters });
    }
    return { atMs: nowMs(), resources };
  }

  /** Calls `listener` with every event from now on; returns the function that stops it. Events are built only while someone listens. */
  subscribe(listener: LockListener): () => void {
    if (typeof listener !== 'function') {
      throw new TypeError(`subscribe needs a function (event) => void, got ${describeValue(listener)}.`);
    }
    return this.events.subscribe(listener);
  }

  private start<T>(
    ids: readonly string[],
    fn: () => T | PromiseLike<T>,
    options: LockCallOptions | undefined,
    api: (...args: never[]) => unknown,
  ): Promise<Awaited<T>> {
    if (typeof fn !== 'function') {
      return Promise.reject(new TypeError(`The locked work must be a function () => result, got ${describeValue(fn)}.`));
    }
    const mode = options?.mode ?? 'write';
    if (mode !== 'write' && mode !== 'read') {
      return Promise.reject(new TypeError(`mode must be 'read' or 'write', got ${describeValue(mode)}.`));
    }
    let timeoutMs = this.timeoutMs;
    if (options?.timeoutMs !== undefined) {
      try {
        timeoutMs = checkDuration('timeoutMs', options.timeoutMs);
      } catch (error) {
        return Promise.reject(error);
      }
    }
    const parent = currentLockFrame();
    const request = new LockRequest(parent, options, mode, ids, timeoutMs);
    if (this.events.listening && (ids.length > 1 || parent !== undefined)) this.lockOrder.record(request, api);
    let acquiredAll: boolean;
    try {
      acquiredAll = this.acquireNext(request);
    } catch (error) {
      this.release(request);
      return Promise.reject(error);
    }
    if (acquiredAll) return this.run(request, fn);
    return this.wait(request).then(() => this.run(request, fn), rethrowLockFailure);
  }

  /** Takes the request's resources in order while they are free; returns false once it had to queue. Throws on refusal. */
  private acquireNext(request: LockRequest): boolean {
    const ids = request.resources;
    // One clock read for every event and hold of this synchronous pass: they happen within the same microseconds.
    let atMs: number | undefined;
    while (request.nextIndex < ids.length) {
      const id = ids[request.nextIndex];
      if (this.events.listening) this.events.requested(request, id, this.entries.get(id)?.queueLength ?? 0, (atMs ??= nowMs()));
      // Looked up after the event: a listener may have taken or released locks synchronously.
      let entry = this.entries.get(id);
      const abortedSignal = request.signals?.find((signal) => signal.aborted);
      if (abortedSignal !== undefined) {
        const reason = describeAbortReason(abortedSignal.reason);
        this.events.aborted(request, id, 0, reason);
        throw this.abortedError(request, id, entry, reason, 0);
      }
      if (entry === undefined) {
        entry = { id, mode: request.mode, holders: [], queueHead: undefined, queueTail: undefined, queueLength: 0, idle: false, removed: false };
        this.entries.set(id, entry);
        this.hold(request, entry, 0, (atMs ??= nowMs()));
        request.nextIndex++;
        continue;
      }
      // Waiting for what an enclosing call of the same chain holds would wait for itself.
      if (entry.holders.length !== 0 && entry.holders.some((hold) => isAncestorOrSelf(hold.request, request.parent))) {
        this.events.reentrant(request, id);
        throw new LockReentrantError(this.failure(request, id, entry, 0));
      }
      if (entry.queueLength === 0 && (entry.holders.length === 0 || (request.mode === 'read' && entry.mode === 'read'))) {
        if (entry.idle) this.wake(entry);
        this.hold(request, entry, 0, (atMs ??= nowMs()));
        request.nextIndex++;
        continue;
      }
      const cycle = findWaitForCycle(request, entry);
      if (cycle !== undefined) {
        this.events.deadlock(request, id, cycle);
        throw new DeadlockError(this.failure(request, id, entry, 0), cycle);
      }
      if (request.timeoutMs === 0) {
        const error = this.timeoutError(request, entry, 0);
        this.events.timeout(request, id, 0, error.holders);
        throw error;
      }
      this.enqueue(request, entry);
      return false;
    }
    return true;
  }

  private run<T>(request: LockRequest, fn: () => T | PromiseLike<T>): Promise<Awaited<T>> {
    let result: T | PromiseLike<T>;
    try {
      result = runInLockFrame(request, fn);
    } catch (error) {
      this.release(request);
      return Promise.reject(error);
    }
    if (!isPromiseLike(result)) {
      this.release(request);
      return Promise.resolve(result as Awaited<T>);
    }
    const pending = result instanceof Promise ? (result as Promise<Awaited<T>>) : Promise.resolve(result);
    return pending.then(
      (value) => {
        this.release(request);
        return value;
      },
      (error: unknown) => {
        this.release(request);
        throw error;
      },
    );
  }

  private hold(request: LockRequest, entry: ResourceEntry, waitedMs: number, atMs: number): void {
    const hold: Hold = { request, entry, sinceMs: atMs, olderWatched: undefined, newerWatched: undefined, watched: false };
    entry.mode = request.mode;
    entry.holders.push(hold);
    if (request.firstHold === undefined) request.firstHold = hold;
    else (request.laterHolds ??= []).push(hold);
    if (!this.events.listening) return;
    this.events.acquired(request, entry.id, waitedMs, atMs);
    this.longHoldWatchdog?.watch(hold);
  }

  /** Lets go of everything the request holds, newest first, and serves the queues behind it. */
  private release(request: LockRequest): void {
    const firstHold = request.firstHold;
    if (firstHold === undefined) return;
    // One clock read for the whole release, and none when nobody listens.
    const atMs = this.events.listening ? nowMs() : 0;
    const laterHolds = request.laterHolds;
    if (laterHolds !== undefined) {
      for (let hold = laterHolds.pop(); hold !== undefined; hold = laterHolds.pop()) this.releaseHold(hold, atMs);
    }
    request.firstHold = undefined;
    this.releaseHold(firstHold, atMs);
  }

  private releaseHold(hold: Hold, atMs: number): void {
    const entry = hold.entry;
    const holders = entry.holders;
    // Order among holders does not matter (they are all readers, or one writer): swap-remove.
    const last = holders.pop() as Hold;
    if (last !== hold) holders[holders.indexOf(hold)] = last;
    if (hold.watched) this.longHoldWatchdog?.unwatch(hold);
    this.events.released(hold, atMs);
    this.serve(entry);
  }

  /** Grants the queue head(s) the resource allows now (several readers at once), and drops the entry once idle. */
  private serve(entry: ResourceEntry): void {
    for (let head = entry.queueHead; head !== undefined; head = entry.queueHead) {
      if (entry.holders.length !== 0 && !(head.mode === 'read' && entry.mode === 'read')) break;
      this.grant(head, entry);
    }
    if (entry.holders.length === 0 && entry.queueLength === 0) this.retire(entry);
  }

  /** Keeps an entry that just went idle among the idle ones, and drops the oldest once there are too many. */
  private retire(entry: ResourceEntry): void {
    // A nested serve may already have retired this entry, or dropped it and let a new one take its id: once only.
    if (entry.idle || entry.removed) return;
    entry.idle = true;
    const idle = this.idleEntries;
    if (idle.length === MAX_IDLE_ENTRIES) {
      const oldest = idle.shift() as ResourceEntry;
      oldest.idle = false;
      oldest.removed = true;
      this.entries.delete(oldest.id);
    }
    idle.push(entry);
  }

  /** Takes an idle entry back into use. */
  private wake(entry: ResourceEntry): void {
    entry.idle = false;
    const idle = this.idleEntries;
    const at = idle.indexOf(entry);
    if (at === idle.length - 1) idle.pop();
    else idle.splice(at, 1);
  }

  private grant(request: LockRequest, entry: ResourceEntry): void {
    this.dequeue(request, entry);
    const atMs = nowMs();
    this.hold(request, entry, atMs - request.waitSinceMs, atMs);
    request.nextIndex++;
    let acquiredAll: boolean;
    try {
      acquiredAll = this.acquireNext(request);
    } catch (error) {
      this.fail(request, error as Error);
      return;
    }
    if (!acquiredAll) return;
    this.stopWaiting(request);
    request.resolveWait?.();
  }

  private wait(request: LockRequest): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      request.resolveWait = resolve;
      request.rejectWait = reject;
      this.deadlines.add(request, request.waitSinceMs);
      this.signalWaiters.add(request);
    });
  }

  private onTimeout(request: LockRequest): void {
    const entry = request.waitingFor;
    if (entry === undefined) return;
    const waitedMs = nowMs() - request.waitSinceMs;
    const error = this.timeoutError(request, entry, waitedMs);
    this.events.timeout(request, entry.id, waitedMs, error.holders);
    this.fail(request, error);
  }

  private onAbort(request: LockRequest): void {
    const entry = request.waitingFor;
    const signal = request.signals?.find((candidate) => candidate.aborted);
    if (entry === undefined || signal === undefined) return;
    const waitedMs = nowMs() - request.waitSinceMs;
    const reason = describeAbortReason(signal.reason);
    this.events.aborted(request, entry.id, waitedMs, reason);
    this.fail(request, this.abortedError(request, entry.id, entry, reason, waitedMs));
  }

  /** Takes the request out of its queue, drops its timer and listeners, releases what it took, and rejects it. */
  private fail(request: LockRequest, error: Error): void {
    const entry = request.waitingFor;
    if (entry !== undefined) this.dequeue(request, entry);
    this.stopWaiting(request);
    this.release(request);
    if (entry !== undefined) this.serve(entry);
    request.rejectWait?.(error);
  }

  private stopWaiting(request: LockRequest): void {
    this.deadlines.remove(request);
    this.signalWaiters.remove(request);
  }

  private enqueue(request: LockRequest, entry: ResourceEntry): void {
    request.waitingFor = entry;
    request.waitSinceMs = nowMs();
    request.firstWaitMs ??= request.waitSinceMs;
    request.queuePrev = entry.queueTail;
    if (entry.queueTail === undefined) entry.queueHead = request;
    else entry.queueTail.queueNext = request;
    entry.queueTail = request;
    entry.queueLength++;
    const chain = request.chain;
    request.nextWaitingInChain = chain.firstWaiting;
    if (chain.firstWaiting !== undefined) chain.firstWaiting.previousWaitingInChain = request;
    chain.firstWaiting = request;
  }

  private dequeue(request: LockRequest, entry: ResourceEntry): void {
    if (request.queuePrev === undefined) entry.queueHead = request.queueNext;
    else request.queuePrev.queueNext = request.queueNext;
    if (request.queueNext === undefined) entry.queueTail = request.queuePrev;
    else request.queueNext.queuePrev = request.queuePrev;
    request.queuePrev = undefined;
    request.queueNext = undefined;
    entry.queueLength--;
    request.waitingFor = undefined;
    if (request.previousWaitingInChain === undefined) request.chain.firstWaiting = request.nextWaitingInChain;
    else request.previousWaitingInChain.nextWaitingInChain = request.nextWaitingInChain;
    if (request.nextWaitingInChain !== undefined) request.nextWaitingInChain.previousWaitingInChain = request.previousWaitingInChain;
    request.previousWaitingInChain = undefined;
    request.nextWaitingInChain = undefined;
  }

  private timeoutError(request: LockRequest, entry: ResourceEntry, waitedMs: number): LockTimeoutError {
    return new LockTimeoutError(this.failure(request, entry.id, entry, waitedMs));
  }

  private abortedError(
    request: LockRequest,
    resource: string,
    entry: ResourceEntry | undefined,
    reason: string | undefined,
    waitedMs: number,
  ): LockAbortedError {
    return new LockAbortedError(this.failure(request, resource, entry, waitedMs), reason);
  }

  private failure(request: LockRequest, resource: string, entry: ResourceEntry | undefined, waitedMs: number): LockFailure {
    const atMs = nowMs();
    return {
      resource,
      resources: request.resources,
      mode: request.mode,
      chainId: request.chain.id,
      owner: request.owner,
      waitedMs: request.firstWaitMs === undefined ? waitedMs : atMs - request.firstWaitMs,
      holders: entry?.holders.map((hold) => partyOf(hold.request, hold.sinceMs)) ?? [],
      atMs,
    };
  }
}

/**
 * The wait-for cycle that `request` would close by waiting for `entry`, as edges from its own wait onwards.
 * A holder is blocked by the waits of its own call and of calls nested in it; the cycle closes when a path of
 * such waits leads back to a call enclosing `request` (or to `request` itself, for `withLocks`).
 */
function findWaitForCycle(request: LockRequest, entry: ResourceEntry): WaitForEdge[] | undefined {
  // Most waits cannot close a cycle: no holder encloses the request and no holder's chain waits anywhere.
  if (!entry.holders.some(({ request: holder }) => holder.chain.firstWaiting !== undefined || isAncestorOrSelf(holder, request))) return undefined;
  const path: WaitForEdge[] = [];
  return leadsBack(request, request, entry, path, new Set()) ? path : undefined;
}

/** Whether a path of waits from `waiter`'s wait for `waitedFor` leads back to a call enclosing `origin`; appends that path's edges. */
function leadsBack(origin: LockRequest, waiter: LockRequest, waitedFor: ResourceEntry, path: WaitForEdge[], explored: Set<LockRequest>): boolean {
  for (const { request: holder } of waitedFor.holders) {
    path.push({ waiter: { chainId: waiter.chain.id, owner: waiter.owner, mode: waiter.mode }, resource: waitedFor.id, holderChainId: holder.chain.id });
    if (isAncestorOrSelf(holder, origin)) return true;
    if (!explored.has(holder)) {
      explored.add(holder);
      for (let blocked = holder.chain.firstWaiting; blocked !== undefined; blocked = blocked.nextWaitingInChain) {
        if (blocked.waitingFor !== undefined && isAncestorOrSelf(holder, blocked) && leadsBack(origin, blocked, blocked.waitingFor, path, explored)) {
          return true;
        }
      }
    }
    path.pop();
  }
  return false;
}

/**
 * `ids` in code-unit order (as `sort()` orders strings) with duplicates dropped, in place: an insertion sort, since
 * a call takes a handful of ids and `Array.prototype.sort` costs more than the rest of such a `withLocks`.
 */
function sortedUnique(ids: string[]): string[] {
  let kept = 0;
  for (const id of ids) {
    let at = kept;
    while (at > 0 && ids[at - 1] > id) at--;
    if (at > 0 && ids[at - 1] === id) continue;
    ids.copyWithin(at + 1, at, kept);
    ids[at] = id;
    kept++;
  }
  ids.length = kept;
  return ids;
}

function partyOf(request: LockRequest, sinceMs: number): LockParty {
  return { chainId: request.chain.id, owner: request.owner, mode: request.mode, sinceMs };
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as PromiseLike<unknown>).then === 'function';
}

// Node's timers take at most 2^31 - 1 ms and fire after 1 ms when given more.
const LONGEST_TIMER_MS = 2 ** 31 - 1;

function checkDuration(name: string, value: number): number {
  if (typeof value !== 'number' || Number.isNaN(value) || value < 0 || (value > LONGEST_TIMER_MS && value !== Infinity)) {
    throw new RangeError(
      `${name} must be a number of milliseconds from 0 to ${LONGEST_TIMER_MS} (about 24.8 days), or Infinity, got ${describeValue(value)}.`,
    );
  }
  return value;
}

function describeAbortReason(reason: unknown): string | undefined {
  if (reason === undefined) return undefined;
  if (reason instanceof Error) return reason.message;
  return String(reason);
}

function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null || value === undefined || typeof value !== 'object') return String(value);
  return Array.isArray(value) ? 'an array' : 'an object';
}

import { LockCall, type LockCallSettings, type LockFrame, type LockMode, type LockParty, type WatchedHold } from 'mcp-lock-inspector/locks';

/** What the locked work can read about its locks: the fencing tokens, and the signal that aborts when a lease is lost. */
export interface RedisLockGrant {
  /** Aborts (with E_LOCK_LEASE_LOST) once any lease of the call ran out: stop writing, another caller may hold it. */
  readonly signal: AbortSignal;
  /** The fencing token of the hold on `resource`: larger than every earlier grant's; pass it to stores that check it. */
  fencingToken(resource: string): number;
}

/** One hold of a request, on one resource, with its place in the long-hold watchdog's list. */
export interface RedisHold extends WatchedHold<RedisHold> {
  readonly request: RedisLockRequest;
  readonly resource: string;
  readonly token: number;
}

/**
 * One `withLock`/`withLocks` call on the Redis lock map: the resources it takes in order, what it holds (with the
 * fencing tokens), where it waits, and the frame its work runs in (so nested calls see what it holds).
 */
export class RedisLockRequest extends LockCall implements RedisLockGrant {
  readonly holds = new Map<string, RedisHold>();
  nextIndex = 0;
  /** The resource whose Redis queue it is in, while it waits. */
  waitingFor: string | undefined = undefined;
  waitSinceMs = 0;
  firstWaitMs: number | undefined = undefined;
  /** Holders of `waitingFor` as Redis last said, for timeout messages. */
  lastHolders: readonly LockParty[] = [];
  /** A grant that arrived (pub/sub) before the reply that queued the request. */
  earlyGrant: number | undefined = undefined;
  /** True while the acquire script for `waitingFor` is in flight. */
  asking = false;
  resolveWait: ((token: number) => void) | undefined = undefined;
  rejectWait: ((error: Error) => void) | undefined = undefined;
  timeoutTimer: ReturnType<typeof setTimeout> | undefined = undefined;
  /** Listener on the call's signals while it waits; made once per request. */
  onAbort: (() => void) | undefined = undefined;
  /** Set when a lease of this call was lost: the call rejects with it once its work ends. */
  leaseLostError: Error | undefined = undefined;
  /** Made when the work first reads its signal (an AbortController costs microseconds, most work never asks). */
  private leaseController: AbortController | undefined = undefined;

  constructor(
    /** Unique across replicas: the map's replica id and a sequence number. */
    readonly id: string,
    parent: LockFrame | undefined,
    settings: LockCallSettings | undefined,
    mode: LockMode,
    resources: readonly string[],
    timeoutMs: number,
  ) {
    super(parent, settings, mode, resources, timeoutMs);
  }

  get signal(): AbortSignal {
    if (this.leaseController === undefined) {
      this.leaseController = new AbortController();
      if (this.leaseLostError !== undefined) this.leaseController.abort(this.leaseLostError);
    }
    return this.leaseController.signal;
  }

  fencingToken(resource: string): number {
    const hold = this.holds.get(resource);
    if (hold === undefined) {
      throw new RangeError(`This call holds no lock on '${resource}'; it holds ${[...this.holds.keys()].map((id) => `'${id}'`).join(', ') || 'nothing'}. Ask for the token of a resource passed to withLock/withLocks.`);
    }
    return hold.token;
  }

  /** Marks the call's leases lost and aborts its signal. */
  loseLease(error: Error): void {
    this.leaseLostError ??= error;
    this.leaseController?.abort(error);
  }
}

/** The Redis lock grant of the innermost enclosing call that holds `resource` (any, without one), if there is one. */
export function currentRedisGrant(frame: LockFrame | undefined, resource?: string): RedisLockGrant | undefined {
  for (let current = frame; current !== undefined; current = current.parent) {
    if (current instanceof RedisLockRequest && (resource === undefined || current.holds.has(resource))) return current;
  }
  return undefined;
}

/** Whether a lock is shared with other readers or taken alone. */
export type LockMode = 'read' | 'write';

/** Who asked for a lock: the tool call (or other unit of work) on whose behalf it is held. */
export interface LockOwner {
  /** MCP tool name, e.g. `transfer`. */
  readonly tool?: string;
  /** JSON-RPC id of the `tools/call` request. */
  readonly requestId?: string | number;
  /** MCP session id (Streamable HTTP) or a transport label. */
  readonly sessionId?: string;
  /** Free text for owners that are not tool calls, e.g. `startup` or `demo-load`. */
  readonly label?: string;
  /** The replica (process) the call runs on, when locks span replicas (the Redis backend). */
  readonly replica?: string;
  /** Who called, where the spec has no session (2026-07-28): the client's `name/version`, when it sent its info. */
  readonly caller?: string;
  /** Which stdio connection the call came on (one per `connect`), where the transport has no session id. */
  readonly connectionId?: string;
  /** W3C trace id (32 hex digits) of the request's `traceparent`: joins the lock to the request's OpenTelemetry trace. */
  readonly traceId?: string;
  /** W3C parent span id (16 hex digits) of the request's `traceparent`: the span that made the call. */
  readonly spanId?: string;
  /** The task (MCP tasks extension) whose work took the lock after its tool call returned the task. */
  readonly taskId?: string;
  /** The task's `ttl` in milliseconds, when it has one: holding a lock longer than that is a warning. */
  readonly taskTtlMs?: number;
}

/** One holder or waiter of a resource, as snapshots and events report it. */
export interface LockParty {
  /** Id of the async call chain (one per `withLock`/`withLocks` root, inherited through AsyncLocalStorage). */
  readonly chainId: number;
  readonly owner?: LockOwner;
  readonly mode: LockMode;
  /** Epoch milliseconds when it started holding (holders) or asked (waiters). */
  readonly sinceMs: number;
}

/** A busy resource in a snapshot: who holds it and who waits, in queue order. */
export interface ResourceSnapshot {
  readonly id: string;
  readonly holders: readonly LockParty[];
  readonly waiters: readonly LockParty[];
}

/** The busy resources of a lock map at one instant; idle resources are omitted. */
export interface LockSnapshot {
  readonly atMs: number;
  readonly resources: readonly ResourceSnapshot[];
}

/** One edge of a wait-for cycle: `waiter` waits for `resource`, which `holder` holds. */
export interface WaitForEdge {
  readonly waiter: Omit<LockParty, 'sinceMs'>;
  readonly resource: string;
  readonly holderChainId: number;
  /** The holder's replica, when the cycle spans replicas (chain ids are per process). */
  readonly holderReplica?: string;
}

/** Fields every lock event carries. */
interface LockEventBase {
  /** Monotonic per lock map, from 1; a gap means events were dropped. */
  readonly seq: number;
  /** Epoch milliseconds, fractional. */
  readonly atMs: number;
  readonly chainId: number;
  readonly owner?: LockOwner;
}

/** A caller asked for a resource; `queueDepth` is how many waited ahead of it. */
export interface LockRequestedEvent extends LockEventBase {
  readonly type: 'requested';
  readonly resource: string;
  readonly mode: LockMode;
  readonly queueDepth: number;
}

/** A caller got the resource after waiting `waitedMs`. */
export interface LockAcquiredEvent extends LockEventBase {
  readonly type: 'acquired';
  readonly resource: string;
  readonly mode: LockMode;
  readonly waitedMs: number;
}

/** A holder let the resource go after holding it `heldMs`. */
export interface LockReleasedEvent extends LockEventBase {
  readonly type: 'released';
  readonly resource: string;
  readonly mode: LockMode;
  readonly heldMs: number;
}

/** A waiter gave up after `waitedMs`; `holders` held the resource at that moment. */
export interface LockTimeoutEvent extends LockEventBase {
  readonly type: 'timeout';
  readonly resource: string;
  readonly mode: LockMode;
  readonly waitedMs: number;
  readonly holders: readonly LockParty[];
}

/** A waiter was cancelled (AbortSignal) after `waitedMs` and left the queue. */
export interface LockAbortedEvent extends LockEventBase {
  readonly type: 'aborted';
  readonly resource: string;
  readonly mode: LockMode;
  readonly waitedMs: number;
  readonly reason?: string;
}

/** A request would have closed a wait-for cycle; it failed at once with E_DEADLOCK. */
export interface LockDeadlockEvent extends LockEventBase {
  readonly type: 'deadlock';
  readonly resource: string;
  readonly mode: LockMode;
  readonly cycle: readonly WaitForEdge[];
}

/** A call chain asked again for a resource it already holds; it failed at once with E_LOCK_REENTRANT. */
export interface LockReentrantEvent extends LockEventBase {
  readonly type: 'reentrant';
  readonly resource: string;
  readonly mode: LockMode;
}

/** Where an ordered pair of resources was taken: `first` held while `second` was requested. */
export interface LockOrderSite {
  readonly first: string;
  readonly second: string;
  readonly chainId: number;
  readonly owner?: LockOwner;
  readonly atMs: number;
  /** Source location `file:line:column` of the request, when known. */
  readonly location?: string;
}

/** Two places took the same two resources in opposite orders (lockdep-style), even if no deadlock happened. */
export interface LockInversionEvent extends LockEventBase {
  readonly type: 'inversion';
  readonly earlier: LockOrderSite;
  readonly later: LockOrderSite;
}

/** What a long hold was spent awaiting: a call (not another lock) still pending in the holder's code when the hold passed its threshold. */
export interface LockSlowCall {
  /** `file:line:column` of the innermost awaited call in the holder's code. */
  readonly location: string;
  /** How long that call had been pending at the long-hold moment: this much of `heldMs` went to it. */
  readonly awaitedMs: number;
  /** The async stack at that call in the holder's code, innermost first, as `function (file:line:column)`. */
  readonly frames: readonly string[];
  /** What was called, when the call is an outgoing request: `fetch GET http://host/path`. */
  readonly call?: string;
}

/** A holder kept a resource longer than the threshold (held across a slow call?); fired once per hold, while still held. */
export interface LockLongHoldEvent extends LockEventBase {
  readonly type: 'longHold';
  readonly resource: string;
  readonly mode: LockMode;
  readonly heldMs: number;
  readonly thresholdMs: number;
  /** The call the hold was awaiting, when the holder's awaits were traced (the resource had been seen holding long before). */
  readonly slowCall?: LockSlowCall;
}

/** A holder's lease ran out before its work finished (Redis backend): its signal aborted; others may hold it now. */
export interface LockLeaseLostEvent extends LockEventBase {
  readonly type: 'leaseLost';
  readonly resource: string;
  readonly mode: LockMode;
  readonly heldMs: number;
  readonly leaseMs: number;
  /** The fencing token of the lost hold: writes checked against it are refused from now on. */
  readonly fencingToken: number;
}

/** Everything a ResourceLockMap reports to its subscribers. */
export type LockEvent =
  | LockRequestedEvent
  | LockAcquiredEvent
  | LockReleasedEvent
  | LockTimeoutEvent
  | LockAbortedEvent
  | LockDeadlockEvent
  | LockReentrantEvent
  | LockInversionEvent
  | LockLongHoldEvent
  | LockLeaseLostEvent;

/** The `type` of any lock event. */
export type LockEventType = LockEvent['type'];

/** One access to shared state in a lost-update report: when, and the source location `file:line:column` when known. */
export interface SharedStateAccess {
  readonly atMs: number;
  readonly location?: string;
}

/** What kind of shared state a key names: a file (keyed by its real path) or state handed to `trackSharedState`. */
export type SharedStateKind = 'file' | 'state';

/**
 * A call wrote a key whose value another call had written since this call read it: that other write is lost.
 * `chainId` and `owner` are the stale writer's; `atMs` is its stale write. Never reported for a write under a lock
 * the writer holds, nor for a blind write (no earlier read by that call).
 */
export interface LostUpdateEvent {
  readonly type: 'lostUpdate';
  /** Monotonic per process, from 1, in the shared-state tracker's own sequence. */
  readonly seq: number;
  readonly atMs: number;
  readonly chainId: number;
  readonly owner?: LockOwner;
  readonly key: string;
  readonly keyKind: SharedStateKind;
  /** Where and when the stale writer read the key. */
  readonly read: SharedStateAccess;
  /** The write that came between the read and the stale write, and whose it was: it is the update lost. */
  readonly overwritten: SharedStateAccess & { readonly chainId: number; readonly owner?: LockOwner };
  /** Where the stale write happened; its time is `atMs`. */
  readonly staleWrite: SharedStateAccess;
}

import { ListenerFaultReporter } from './listenerFaultReporter';
import { nowMs } from './nowMs';
import type { LockEvent, LockOrderSite, LockParty, LockSlowCall, WaitForEdge } from '../contract/lockEvents';
import type { LockCall } from './lockCall';
import type { Hold, LockRequest } from './lockRequest';

/** A lock event before the publisher gives it its `seq`. */
export type UnnumberedLockEvent = LockEvent extends infer Event ? (Event extends LockEvent ? Omit<Event, 'seq'> : never) : never;

/** Receives every lock event of a map, synchronously, in `seq` order. */
export type LockListener = (event: LockEvent) => void;

/**
 * Builds a map's lock events, numbers them and hands them to its listeners. Every method returns at once while
 * nobody listens, so an unobserved map builds no event.
 */
export class LockEventPublisher {
  private listeners: readonly LockListener[] = [];
  private lastSeq = 0;
  private readonly listenerFaults = new ListenerFaultReporter();

  /** Whether anyone listens: callers skip work that only events need (queue depths, lock order, hold watching). */
  get listening(): boolean {
    return this.listeners.length !== 0;
  }

  /** Adds a listener for every event from now on; returns the function that removes it. */
  subscribe(listener: LockListener): () => void {
    this.listeners = [...this.listeners, listener];
    return () => {
      this.listeners = this.listeners.filter((known) => known !== listener);
      this.listenerFaults.forget(listener);
    };
  }

  /** `request` asks for `resource` at `atMs`, with `queueDepth` waiting ahead of it. */
  requested(request: LockRequest, resource: string, queueDepth: number, atMs: number): void {
    if (this.listeners.length === 0) return;
    this.dispatch({ type: 'requested', seq: ++this.lastSeq, atMs, chainId: request.chain.id, owner: request.owner, resource, mode: request.mode, queueDepth });
  }

  /** `request` got `resource` at `atMs` after waiting `waitedMs`. */
  acquired(request: LockRequest, resource: string, waitedMs: number, atMs: number): void {
    if (this.listeners.length === 0) return;
    this.dispatch({ type: 'acquired', seq: ++this.lastSeq, atMs, chainId: request.chain.id, owner: request.owner, resource, mode: request.mode, waitedMs });
  }

  /** `hold` has just ended, at `atMs`. */
  released(hold: Hold, atMs: number): void {
    if (this.listeners.length === 0) return;
    const { request, entry } = hold;
    this.dispatch({ type: 'released', seq: ++this.lastSeq, atMs, chainId: request.chain.id, owner: request.owner, resource: entry.id, mode: request.mode, heldMs: atMs - hold.sinceMs });
  }

  /** `request` gave up on `resource` after waiting `waitedMs` in its queue, while `holders` held it. */
  timeout(request: LockRequest, resource: string, waitedMs: number, holders: readonly LockParty[]): void {
    if (this.listeners.length === 0) return;
    this.dispatch({ type: 'timeout', seq: ++this.lastSeq, atMs: nowMs(), chainId: request.chain.id, owner: request.owner, resource, mode: request.mode, waitedMs, holders });
  }

  /** `request` was cancelled while asking for or waiting `waitedMs` for `resource`. */
  aborted(request: LockRequest, resource: string, waitedMs: number, reason: string | undefined): void {
    if (this.listeners.length === 0) return;
    this.dispatch({ type: 'aborted', seq: ++this.lastSeq, atMs: nowMs(), chainId: request.chain.id, owner: request.owner, resource, mode: request.mode, waitedMs, reason });
  }

  /** `request` was refused `resource` because waiting for it would close `cycle`. */
  deadlock(request: LockRequest, resource: string, cycle: readonly WaitForEdge[]): void {
    if (this.listeners.length === 0) return;
    this.dispatch({ type: 'deadlock', seq: ++this.lastSeq, atMs: nowMs(), chainId: request.chain.id, owner: request.owner, resource, mode: request.mode, cycle });
  }

  /** `request` was refused `resource` because its own call chain holds it. */
  reentrant(request: LockRequest, resource: string): void {
    if (this.listeners.length === 0) return;
    this.dispatch({ type: 'reentrant', seq: ++this.lastSeq, atMs: nowMs(), chainId: request.chain.id, owner: request.owner, resource, mode: request.mode });
  }

  /** `request`, at `atMs`, took two resources in the opposite order of an `earlier` call. */
  inversion(request: LockCall, atMs: number, earlier: LockOrderSite, later: LockOrderSite): void {
    if (this.listeners.length === 0) return;
    this.dispatch({ type: 'inversion', seq: ++this.lastSeq, atMs, chainId: request.chain.id, owner: request.owner, earlier, later });
  }

  /** `hold` has lasted `heldMs` at `atMs`, beyond `thresholdMs`, and still goes on, awaiting `slowCall` when known. */
  longHold(hold: Hold, heldMs: number, thresholdMs: number, atMs: number, slowCall?: LockSlowCall): void {
    if (this.listeners.length === 0) return;
    const { request, entry } = hold;
    this.dispatch({ type: 'longHold', seq: ++this.lastSeq, atMs, chainId: request.chain.id, owner: request.owner, resource: entry.id, mode: request.mode, heldMs, thresholdMs, ...(slowCall === undefined ? {} : { slowCall }) });
  }

  /** Numbers and hands out an event a backend built itself (the Redis lock map); nothing happens while nobody listens. */
  emit(event: UnnumberedLockEvent): void {
    if (this.listeners.length === 0) return;
    this.dispatch({ ...event, seq: ++this.lastSeq } as LockEvent);
  }

  private dispatch(event: LockEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        // Nothing a listener does may change what the locks do: its throw is reported, never rethrown.
        this.listenerFaults.report(listener, event.type, error);
      }
    }
  }
}

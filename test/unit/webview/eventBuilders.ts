import type { SourcedEvent } from '../../../extension/contract/inspectorSnapshot';
import type { LockEvent, LockOwner } from '../../../extension/contract/lockEvents';

/** Builds a realistic event sequence for one call on one resource, the way a lock map reports it. */
export class EventScript {
  readonly events: SourcedEvent[] = [];
  #seq = 0;

  constructor(private readonly sourceId = 'source-1') {}

  requested(atMs: number, resource: string, chainId: number, owner: LockOwner, queueDepth = 0): this {
    return this.push({ type: 'requested', seq: ++this.#seq, atMs, chainId, owner, resource, mode: 'write', queueDepth });
  }

  acquired(atMs: number, resource: string, chainId: number, owner: LockOwner, waitedMs: number): this {
    return this.push({ type: 'acquired', seq: ++this.#seq, atMs, chainId, owner, resource, mode: 'write', waitedMs });
  }

  released(atMs: number, resource: string, chainId: number, owner: LockOwner, heldMs: number): this {
    return this.push({ type: 'released', seq: ++this.#seq, atMs, chainId, owner, resource, mode: 'write', heldMs });
  }

  timedOut(atMs: number, resource: string, chainId: number, owner: LockOwner, waitedMs: number): this {
    return this.push({ type: 'timeout', seq: ++this.#seq, atMs, chainId, owner, resource, mode: 'write', waitedMs, holders: [] });
  }

  deadlocked(atMs: number, resource: string, chainId: number, owner: LockOwner): this {
    return this.push({ type: 'deadlock', seq: ++this.#seq, atMs, chainId, owner, resource, mode: 'write', cycle: [] });
  }

  /** A whole uncontended call: request, acquire at once, release after `heldMs`. */
  call(atMs: number, resource: string, chainId: number, owner: LockOwner, heldMs: number): this {
    return this.requested(atMs, resource, chainId, owner).acquired(atMs, resource, chainId, owner, 0).released(atMs + heldMs, resource, chainId, owner, heldMs);
  }

  private push(event: LockEvent): this {
    this.events.push({ ...event, sourceId: this.sourceId });
    return this;
  }
}

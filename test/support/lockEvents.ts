import type { SourcedEvent } from '../../extension/contract/inspectorSnapshot';
import type { LockMode, LockOwner, LostUpdateEvent, SharedStateKind } from '../../extension/contract/lockEvents';
import type { InspectorEvent } from '../../extension/contract/wireFormat';

/** Builds well-formed events with increasing seq numbers, so tests state only what matters to them. */
export class LockEventFactory {
  private seq = 0;

  /** `queueDepth` callers were ahead in the queue when it asked. */
  requested(resource: string, chainId: number, atMs: number, owner?: LockOwner, mode: LockMode = 'write', queueDepth = 0): InspectorEvent {
    return { type: 'requested', seq: ++this.seq, atMs, chainId, owner, resource, mode, queueDepth };
  }

  acquired(resource: string, chainId: number, atMs: number, waitedMs: number, owner?: LockOwner, mode: LockMode = 'write'): InspectorEvent {
    return { type: 'acquired', seq: ++this.seq, atMs, chainId, owner, resource, mode, waitedMs };
  }

  released(resource: string, chainId: number, atMs: number, heldMs: number, owner?: LockOwner, mode: LockMode = 'write'): InspectorEvent {
    return { type: 'released', seq: ++this.seq, atMs, chainId, owner, resource, mode, heldMs };
  }

  /** A whole uncontended call: requested and acquired at `atMs`, released `heldMs` later. */
  call(resource: string, chainId: number, atMs: number, heldMs: number, owner?: LockOwner): InspectorEvent[] {
    return [this.requested(resource, chainId, atMs, owner), this.acquired(resource, chainId, atMs, 0, owner), this.released(resource, chainId, atMs + heldMs, heldMs, owner)];
  }

  /** The holder's lease of `leaseMs` ran out `heldMs` into its hold (Redis backend); its `released` comes when its work ends. */
  leaseLost(resource: string, chainId: number, atMs: number, heldMs: number, leaseMs: number, fencingToken: number, owner?: LockOwner): InspectorEvent {
    return { type: 'leaseLost', seq: ++this.seq, atMs, chainId, owner, resource, mode: 'write', heldMs, leaseMs, fencingToken };
  }

  timeout(resource: string, chainId: number, atMs: number, waitedMs: number, owner?: LockOwner): InspectorEvent {
    return { type: 'timeout', seq: ++this.seq, atMs, chainId, owner, resource, mode: 'write', waitedMs, holders: [] };
  }

  aborted(resource: string, chainId: number, atMs: number, waitedMs: number, owner?: LockOwner): InspectorEvent {
    return { type: 'aborted', seq: ++this.seq, atMs, chainId, owner, resource, mode: 'write', waitedMs, reason: 'cancelled' };
  }

  /** Chain `chainId` asks for `resource` while `otherChainId` (which waits for `heldResource`) holds it. */
  deadlock(resource: string, chainId: number, heldResource: string, otherChainId: number, atMs: number, owner?: LockOwner, otherOwner?: LockOwner): InspectorEvent {
    return {
      type: 'deadlock',
      seq: ++this.seq,
      atMs,
      chainId,
      owner,
      resource,
      mode: 'write',
      cycle: [
        { waiter: { chainId, owner, mode: 'write' }, resource, holderChainId: otherChainId },
        { waiter: { chainId: otherChainId, owner: otherOwner, mode: 'write' }, resource: heldResource, holderChainId: chainId },
      ],
    };
  }

  inversion(first: string, second: string, atMs: number, earlierOwner?: LockOwner, laterOwner?: LockOwner): InspectorEvent {
    return {
      type: 'inversion',
      seq: ++this.seq,
      atMs,
      chainId: 2,
      owner: laterOwner,
      earlier: { first, second, chainId: 1, owner: earlierOwner, atMs: atMs - 10, location: 'server.ts:10:5' },
      later: { first: second, second: first, chainId: 2, owner: laterOwner, atMs, location: 'server.ts:20:5' },
    };
  }

  longHold(resource: string, chainId: number, atMs: number, heldMs: number, owner?: LockOwner): InspectorEvent {
    return { type: 'longHold', seq: ++this.seq, atMs, chainId, owner, resource, mode: 'write', heldMs, thresholdMs: 1000 };
  }

  /** `owner` read `key` at `atMs - 20`, `overwrittenOwner` wrote it at `atMs - 10`, `owner` wrote it at `atMs` from its stale read. */
  lostUpdate(key: string, chainId: number, atMs: number, owner: LockOwner, overwrittenOwner: LockOwner, keyKind: SharedStateKind = 'file'): LostUpdateEvent {
    return {
      type: 'lostUpdate',
      seq: ++this.seq,
      atMs,
      chainId,
      owner,
      key,
      keyKind,
      read: { atMs: atMs - 20, location: 'server.ts:5:3' },
      overwritten: { atMs: atMs - 10, location: 'server.ts:7:3', chainId: chainId + 1, owner: overwrittenOwner },
      staleWrite: { atMs, location: 'server.ts:7:3' },
    };
  }

  callStarted(owner: LockOwner, atMs: number): InspectorEvent {
    return { type: 'callStarted', seq: ++this.seq, atMs, owner };
  }

  callEnded(owner: LockOwner, atMs: number, durationMs: number, outcome: 'ok' | 'error' | 'cancelled' = 'ok', errorCode?: string): InspectorEvent {
    return { type: 'callEnded', seq: ++this.seq, atMs, owner, durationMs, outcome, errorCode };
  }
}

/** The events as the inspector model passes them on: each tagged with the source that reported it. */
export function fromSource(sourceId: string, events: readonly InspectorEvent[]): SourcedEvent[] {
  return events.map((event) => ({ ...event, sourceId }));
}

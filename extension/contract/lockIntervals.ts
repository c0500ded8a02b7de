// The one state machine that turns lock events into holds and waits: the model, the timeline store and the trace
// export all feed their events through it, so a hold starts, ends and is attributed the same way everywhere.
import type { LockEvent, LockMode, LockOwner, LockParty } from './lockEvents';

/** A hold or wait still going on: who, in which mode, since when; waits also say how many were queued ahead. */
export interface OpenInterval extends LockParty {
  readonly queueDepth?: number;
}

/**
 * How a hold or wait ended: by its event, `sourceGone` when the process that reported it went away before saying,
 * or `unfinished` when it was still going on where a record (a history, an export) ends.
 */
export type IntervalOutcome = 'released' | 'acquired' | 'timeout' | 'aborted' | 'deadlock' | 'reentrant' | 'sourceGone' | 'unfinished';

/** A finished hold or wait of one call chain on one resource. */
export interface LockInterval {
  readonly kind: 'hold' | 'wait';
  readonly chainId: number;
  readonly owner?: LockOwner;
  readonly mode: LockMode;
  readonly startMs: number;
  readonly endMs: number;
  readonly outcome: IntervalOutcome;
  /** Waits only: how many waited ahead when it began. */
  readonly queueDepth?: number;
}

/** The open holds and waits of one resource, by chain id, each map in the order they began. */
export interface ResourceParties {
  readonly holders: Map<number, OpenInterval>;
  readonly waiters: Map<number, OpenInterval>;
}

/** Lock events that concern one resource (all but `inversion`). */
export type ResourceLockEvent = Exclude<LockEvent, { readonly type: 'inversion' }>;

/** Whether an event concerns one resource's holds and waits. */
export function isResourceLockEvent<T extends { readonly type: string }>(event: T): event is Extract<T, ResourceLockEvent> {
  return 'resource' in event;
}

/** Empty parties for a resource nobody holds or waits for yet. */
export function emptyParties(): ResourceParties {
  return { holders: new Map(), waiters: new Map() };
}

/** Applies one event to its resource's parties; returns the hold or wait it ended, if any. */
export function reduceLockEvent(parties: ResourceParties, event: ResourceLockEvent): LockInterval | undefined {
  const { chainId, owner, atMs, mode } = event;
  switch (event.type) {
    case 'requested':
      parties.waiters.set(chainId, { chainId, owner, mode, sinceMs: atMs, queueDepth: event.queueDepth });
      return undefined;
    case 'acquired': {
      const wait = takeParty(parties.waiters, chainId);
      parties.holders.set(chainId, { chainId, owner, mode, sinceMs: atMs });
      return { kind: 'wait', chainId, owner, mode, startMs: atMs - event.waitedMs, endMs: atMs, outcome: 'acquired', queueDepth: wait?.queueDepth };
    }
    case 'released': {
      const hold = takeParty(parties.holders, chainId);
      return { kind: 'hold', chainId, owner: owner ?? hold?.owner, mode, startMs: atMs - event.heldMs, endMs: atMs, outcome: 'released' };
    }
    case 'timeout':
    case 'aborted': {
      const wait = takeParty(parties.waiters, chainId);
      return { kind: 'wait', chainId, owner, mode, startMs: atMs - event.waitedMs, endMs: atMs, outcome: event.type, queueDepth: wait?.queueDepth };
    }
    case 'deadlock':
    case 'reentrant': {
      const wait = takeParty(parties.waiters, chainId);
      return { kind: 'wait', chainId, owner, mode, startMs: wait?.sinceMs ?? atMs, endMs: atMs, outcome: event.type, queueDepth: wait?.queueDepth };
    }
    case 'longHold':
    case 'leaseLost':
      return undefined;
  }
}

/** Ends every open hold and wait at `atMs` with `outcome`; returns them, holds first. */
export function endAllParties(parties: ResourceParties, atMs: number, outcome: 'sourceGone' | 'unfinished'): LockInterval[] {
  const ended: LockInterval[] = [];
  for (const [kind, open] of [['hold', parties.holders], ['wait', parties.waiters]] as const) {
    for (const party of open.values()) {
      ended.push({ kind, chainId: party.chainId, owner: party.owner, mode: party.mode, startMs: party.sinceMs, endMs: Math.max(atMs, party.sinceMs), outcome, queueDepth: party.queueDepth });
    }
    open.clear();
  }
  return ended;
}

/**
 * Whether another replica taking a resource in `takerMode` shows that a gone replica's hold in `holderMode` had lost
 * its lease: only a hold that excludes the taker's (either is a write) must have run out.
 */
export function leaseEndedBy(takerMode: LockMode, holderMode: LockMode): boolean {
  return takerMode === 'write' || holderMode === 'write';
}

/** Identifies one tool call of one source, to pair its `callStarted` with its `callEnded`. */
export function callKeyOf(sourceId: string, owner: LockOwner): string {
  return `${sourceId}\u0000${owner.sessionId ?? ''}\u0000${owner.requestId ?? ''}\u0000${owner.tool ?? ''}`;
}

function takeParty(parties: Map<number, OpenInterval>, chainId: number): OpenInterval | undefined {
  const party = parties.get(chainId);
  if (party !== undefined) parties.delete(chainId);
  return party;
}

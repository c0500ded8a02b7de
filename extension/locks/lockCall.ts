import { newLockChain, type LockChain, type LockFrame } from './lockContext';
import type { LockMode, LockOwner } from '../contract/lockEvents';

/**
 * What every backend's request for locks is: one `withLock`/`withLocks` call, its resources in the global order,
 * who asks, how long it may wait, and the frame its function runs in (so nested calls see what it holds).
 */
export abstract class LockCall implements LockFrame {
  private ownChain: LockChain | undefined = undefined;

  constructor(
    readonly parent: LockFrame | undefined,
    readonly owner: LockOwner | undefined,
    readonly signals: readonly AbortSignal[] | undefined,
    readonly mode: LockMode,
    /** Sorted and deduplicated: every call takes resources in the same global order. */
    readonly resources: readonly string[],
    readonly timeoutMs: number,
  ) {}

  /** The chain this call belongs to; a root call creates its chain only when someone asks (events, snapshots, waits). */
  get chain(): LockChain {
    return (this.ownChain ??= this.parent?.chain ?? newLockChain());
  }
}

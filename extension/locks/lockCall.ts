import { newLockChain, withSignal, type LockChain, type LockFrame } from './lockContext';
import type { LockMode, LockOwner } from '../contract/lockEvents';

/** What a call may say for itself; the rest it inherits from the call it runs in. */
export interface LockCallSettings {
  readonly owner?: LockOwner;
  readonly signal?: AbortSignal;
}

/**
 * What every backend's request for locks is: one `withLock`/`withLocks` call, its resources in the global order,
 * who asks, how long it may wait, and the frame its function runs in (so nested calls see what it holds).
 */
export abstract class LockCall implements LockFrame {
  private ownChain: LockChain | undefined = undefined;
  /** Its own owner, else the enclosing call's. */
  readonly owner: LockOwner | undefined;
  /** Its own signal and every enclosing call's: any of them cancels the wait. */
  readonly signals: readonly AbortSignal[] | undefined;

  constructor(
    readonly parent: LockFrame | undefined,
    settings: LockCallSettings | undefined,
    readonly mode: LockMode,
    /** Sorted and deduplicated: every call takes resources in the same global order. */
    readonly resources: readonly string[],
    readonly timeoutMs: number,
  ) {
    this.owner = settings?.owner ?? parent?.owner;
    this.signals = withSignal(parent?.signals, settings?.signal);
  }

  /** The chain this call belongs to; a root call creates its chain only when someone asks (events, snapshots, waits). */
  get chain(): LockChain {
    return (this.ownChain ??= this.parent?.chain ?? newLockChain());
  }
}

import { AsyncLocalStorage, AsyncResource } from 'node:async_hooks';
import type { LockOwner } from '../contract/lockEvents';
import type { LockRequest } from './lockRequest';

/** An async call chain: the unit that holds locks, waits for them, and appears as `chainId` in events. */
export interface LockChain {
  readonly id: number;
  /** The first of this chain's requests that wait for a resource right now (linked by `nextWaitingInChain`); read by deadlock detection. */
  firstWaiting: LockRequest | undefined;
}

/** One level of a call chain's context: a `runWithLockContext` scope, or a `withLock` whose function is running. */
export interface LockFrame {
  readonly parent: LockFrame | undefined;
  readonly chain: LockChain;
  readonly owner: LockOwner | undefined;
  /** Every AbortSignal that cancels waits in this frame: inherited ones first, then the frame's own. */
  readonly signals: readonly AbortSignal[] | undefined;
}

/** Options of `runWithLockContext`. */
export interface LockContextOptions {
  /** Reported by every lock taken inside, unless a call passes its own. */
  readonly owner?: LockOwner;
  /** Cancels every lock wait inside (combined with per-call signals), e.g. a tool call's cancellation. */
  readonly signal?: AbortSignal;
}

const lockContextStorage = new AsyncLocalStorage<LockFrame>();
let lastChainId = 0;

/** The frame of the running call chain, if any lock or lock context encloses the caller. */
export function currentLockFrame(): LockFrame | undefined {
  return lockContextStorage.getStore();
}

/** Runs `fn` with `frame` as the current frame, so locks taken inside know what the chain holds. */
export function runInLockFrame<T>(frame: LockFrame, fn: () => T): T {
  if (!(storesLiveInFrames ??= probeStoresLiveInFrames())) return lockContextStorage.run(frame, fn);
  // `run` builds two context frames (enter and restore); an AsyncResource restores the caller's frame as it was,
  // so only the entering frame is built: about 60 ns less a call where stores live in frames (Node 24 and later).
  return new AsyncResource('lockFrame').runInAsyncScope(() => {
    lockContextStorage.enterWith(frame);
    return fn();
  });
}

/** Whether this Node keeps AsyncLocalStorage values in immutable context frames (AsyncContextFrame) rather than on async resources. */
let storesLiveInFrames: boolean | undefined;

// Probed on first use, not at import: on Node 20 the first AsyncLocalStorage use slows every promise of the process.
function probeStoresLiveInFrames(): boolean {
  const probe = new AsyncLocalStorage<true>();
  const resource = new AsyncResource('lockFrameProbe');
  // On async resources, `enterWith` inside a resource's scope sets that resource's value for good; in frames it does not outlive the scope.
  resource.runInAsyncScope(() => probe.enterWith(true));
  const inFrames = resource.runInAsyncScope(() => probe.getStore()) === undefined;
  probe.disable();
  return inFrames;
}

/** A chain with a fresh id, for a root call that no context encloses. */
export function newLockChain(): LockChain {
  return { id: ++lastChainId, firstWaiting: undefined };
}

/** Appends `signal` to inherited signals without allocating when there is nothing to add. */
export function withSignal(
  inherited: readonly AbortSignal[] | undefined,
  signal: AbortSignal | undefined,
): readonly AbortSignal[] | undefined {
  if (signal === undefined) return inherited;
  return inherited === undefined ? [signal] : [...inherited, signal];
}

/**
 * Runs `fn` as (part of) one call chain: every `withLock`/`withLocks` inside, however deep in awaits, reports
 * `owner` and is cancelled by `signal`. Nested inside another context it stays in the same chain (so what the
 * outer levels hold still counts for re-entrancy and deadlock detection) and overrides the owner.
 */
export function runWithLockContext<T>(options: LockContextOptions, fn: () => T): T {
  const parent = currentLockFrame();
  const frame: LockFrame = {
    parent,
    chain: parent?.chain ?? newLockChain(),
    owner: options.owner ?? parent?.owner,
    signals: withSignal(parent?.signals, options.signal),
  };
  return runInLockFrame(frame, fn);
}

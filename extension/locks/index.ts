// The lock library users import into their own MCP servers (`mcp-lock-inspector/locks`); never imports 'vscode'.
export {
  ResourceLockMap,
  DEFAULT_TIMEOUT_MS,
  DEFAULT_LONG_HOLD_MS,
  type ResourceLockMapOptions,
  type LockCallOptions,
  type LockListener,
} from './resourceLockMap';
export { runWithLockContext, type LockContextOptions } from './lockContext';
export { trackSharedState } from './trackSharedState';
export { trackFileSystem } from './trackFileSystem';
export { sharedStateTracker, SharedStateTracker, type LostUpdateListener } from './sharedStateTracker';
export {
  LockError,
  LockTimeoutError,
  LockAbortedError,
  DeadlockError,
  LockReentrantError,
  LockBackendError,
  LockLeaseLostError,
  type LockErrorCode,
  type LockFailure,
} from './lockErrors';
export { describeOwner, describeParty, describeLockWarning } from '../contract/describe';
export type * from '../contract/lockEvents';
// For lock backends beside ResourceLockMap (mcp-lock-inspector/redis): one call context, one event numbering, one
// set of argument checks, shared through this entry so both backends see the same runWithLockContext.
export { currentLockFrame, newLockChain, runInLockFrame, withSignal, type LockFrame, type LockChain } from './lockContext';
export { LockCall, type LockCallSettings } from './lockCall';
export { LockEventPublisher, type UnnumberedLockEvent } from './lockEventPublisher';
export { LongHoldWatchdog, type WatchedHold } from './longHoldWatchdog';
export { LockOrderRecorder } from './lockOrderRecorder';
export { setLockPauses, rethrowLockFailure, type LockPauses, type LongHoldPause } from './lockPauses';
export { DEFAULT_MAX_ORDER_PAIRS } from './lockOrderGraph';
export { checkDuration, checkLockCall, describeAbortReason, describeValue, sortedLockIds } from './lockArguments';
export { nowMs } from './nowMs';

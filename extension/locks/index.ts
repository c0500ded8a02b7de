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
  type LockErrorCode,
  type LockFailure,
} from './lockErrors';
export { describeOwner, describeParty, describeLockWarning } from '../contract/describe';
export type * from '../contract/lockEvents';

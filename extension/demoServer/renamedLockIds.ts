import type { LockCallOptions } from '../locks';
import type { DemoLockMap } from './bankStore';

/**
 * A lock map that takes every lock under another id: `() => 'db'` turns the bank's per-account locks into the one
 * coarse lock that the granularity advice measures. The handlers keep naming their real ids (as the code lenses read them).
 */
export function withRenamedLockIds(locks: DemoLockMap, lockIdOf: (resource: string) => string): DemoLockMap {
  return {
    withLock: <T>(resource: string, fn: () => T | PromiseLike<T>, options?: LockCallOptions) => locks.withLock(lockIdOf(resource), fn, options),
    withLocks: <T>(resources: Iterable<string>, fn: () => T | PromiseLike<T>, options?: LockCallOptions) => locks.withLocks([...resources].map(lockIdOf), fn, options),
    snapshot: () => locks.snapshot(),
  };
}

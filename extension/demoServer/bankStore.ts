import type { ResourceLockMap } from '../locks';
import type { AppliedCall, KeyedCall } from './appliedCalls';

/** Where the demo keeps balances and counters: the local StateStore, or Redis (RedisStateStore) shared by replicas. */
export interface BankStore {
  /** The value of `key`, or undefined when it was never written. */
  read(key: string): Promise<number | undefined>;
  /** Current keys that start with `prefix`, sorted. */
  keys(prefix: string): string[] | Promise<string[]>;
  /** Sets every key of `changes` at once; with `applied`, remembers in the same write the call it answers, under its key. */
  write(changes: ReadonlyMap<string, number>, applied?: KeyedCall): Promise<void>;
  /** The call that a write with idempotency key `key` answered, while it is remembered. */
  appliedCall(key: string): AppliedCall | undefined | Promise<AppliedCall | undefined>;
  close(): Promise<void>;
}

/** What the demo's handlers use of a lock map: the in-process one, or the Redis one shared by replicas. */
export type DemoLockMap = Pick<ResourceLockMap, 'withLock' | 'withLocks' | 'snapshot'>;

import type { ResourceLockMap } from '../locks';

/** Where the demo keeps balances and counters: the local StateStore, or Redis (RedisStateStore) shared by replicas. */
export interface BankStore {
  /** The value of `key`, or undefined when it was never written. */
  read(key: string): Promise<number | undefined>;
  /** Current keys that start with `prefix`, sorted. */
  keys(prefix: string): string[] | Promise<string[]>;
  /** Sets every key of `changes` at once. */
  write(changes: ReadonlyMap<string, number>): Promise<void>;
  close(): Promise<void>;
}

/** What the demo's handlers use of a lock map: the in-process one, or the Redis one shared by replicas. */
export type DemoLockMap = Pick<ResourceLockMap, 'withLock' | 'withLocks' | 'snapshot'>;

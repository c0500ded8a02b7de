import { ResourceLockMap } from '../locks';
import { RedisLockMap } from '../redis';
import type { BankStore, DemoLockMap } from './bankStore';
import { RedisStateStore } from './redisStateStore';
import type { ServerArgs } from './serverArgs';
import { StateStore } from './stateStore';

/** The demo's lock map and store, as the command line asks: in this process, or in Redis shared by replicas. */
export interface BankState {
  readonly store: BankStore;
  readonly locks: DemoLockMap & Pick<ResourceLockMap, 'subscribe'>;
  /** This replica's name, with --redis. */
  readonly replica?: string;
  close(): Promise<void>;
}

/** Prefix of the demo's keys in Redis, beside the lock map's own. */
const REDIS_STATE_PREFIX = 'mcp-lock-demo:';

/** Opens the store and lock map for `args`; `log` hears what opening the journal repaired. */
export async function openBankState(args: ServerArgs, log?: (message: string) => void): Promise<BankState> {
  if (args.redis === undefined) {
    const store = await StateStore.open({ dataDir: args.dataDir, latencyMs: args.latencyMs, log });
    return { store, locks: new ResourceLockMap({ timeoutMs: args.timeoutMs }), close: () => store.close() };
  }
  const locks = await RedisLockMap.connect({ url: args.redis, replica: args.replica, timeoutMs: args.timeoutMs });
  // State keys are `account/x` and `counter/x`; their locks `account:x` and `counter:x`.
  const store = await RedisStateStore.open({ url: args.redis, locks, lockOf: (key) => key.replace('/', ':'), keyPrefix: REDIS_STATE_PREFIX, latencyMs: args.latencyMs });
  return {
    store,
    locks,
    replica: locks.replica,
    async close() {
      await store.close();
      await locks.close();
    },
  };
}

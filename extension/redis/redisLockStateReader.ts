import type { LockSnapshot } from 'mcp-lock-inspector/locks';
import { DEFAULT_KEY_PREFIX } from './redisLockMap';
import { connectFailFast } from './failFastClients';
import { readRedisLockState } from './readRedisLockState';

/** A Redis connection that reads every replica's lock state (the inspector's `redis` source). */
export interface RedisLockStateConnection {
  /** Every replica's holders and waiters under the key prefix, each naming its replica, read in one script call. */
  read(): Promise<LockSnapshot>;
  close(): Promise<void>;
}

/**
 * Connects to the Redis at `url` to read the lock state the RedisLockMaps with `keyPrefix` keep there. A read fails at
 * once while Redis is unreachable (no offline queue); the connection keeps trying to come back in the background.
 */
export async function connectRedisLockState(url: string, keyPrefix = DEFAULT_KEY_PREFIX): Promise<RedisLockStateConnection> {
  const [client] = await connectFailFast(url, 1, { backoff: { baseMs: 100, maxMs: 2000 }, nodeRedisTimeouts: true, onError: () => undefined });
  return {
    read: () => readRedisLockState(client, keyPrefix),
    close: async () => {
      client.destroy();
    },
  };
}

import { createClient } from 'redis';
import type { LockSnapshot } from 'mcp-lock-inspector/locks';
import { DEFAULT_KEY_PREFIX } from './redisLockMap';
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
  let connected = false;
  const client = createClient({ url, disableOfflineQueue: true, socket: { reconnectStrategy: (retries: number, cause: Error) => (!connected && retries >= 2 ? cause : Math.min(100 * 2 ** retries, 2000)) } });
  client.on('error', () => undefined);
  try {
    await client.connect();
    connected = true;
  } catch (error) {
    client.destroy();
    throw new Error(`Could not connect to Redis at ${url}: ${(error as Error).message}. Start redis-server, or give the URL of a running one (redis://host:port).`);
  }
  return {
    read: () => readRedisLockState(client, keyPrefix),
    close: async () => {
      client.destroy();
    },
  };
}

import { createClient, type RedisClientType } from 'redis';

/** How a fail-fast connection that was up reconnects: waits doubling from `baseMs`, at most `maxMs`. */
export interface ReconnectBackoff {
  readonly baseMs: number;
  readonly maxMs: number;
}

/**
 * Connects `count` node-redis clients to `url` whose commands fail at once while Redis is unreachable (no offline
 * queue) instead of queueing behind a reconnect. Once connected they reconnect for ever; a first connection gives
 * up after three tries, with an error that says what to do. `nodeRedisTimeouts: false` drops node-redis's own
 * per-command timeout (an AbortSignal and a timer per command) for a caller that keeps its own.
 */
export async function connectFailFast(
  url: string,
  count: number,
  options: { readonly backoff: ReconnectBackoff; readonly nodeRedisTimeouts: boolean; readonly onError: (error: Error) => void },
): Promise<RedisClientType[]> {
  let connected = false;
  const { baseMs, maxMs } = options.backoff;
  const reconnectStrategy = (retries: number, cause: Error) => (!connected && retries >= 2 ? cause : Math.min(baseMs * 2 ** retries, maxMs));
  const first: RedisClientType = createClient({ url, disableOfflineQueue: true, socket: { reconnectStrategy }, ...(options.nodeRedisTimeouts ? {} : { commandOptions: { timeout: 0 } }) });
  const clients = [first, ...Array.from({ length: count - 1 }, () => first.duplicate())];
  for (const client of clients) client.on('error', options.onError);
  try {
    for (const client of clients) await client.connect();
  } catch (error) {
    for (const client of clients) client.destroy();
    throw new Error(`Could not connect to Redis at ${url}: ${(error as Error).message}. Start redis-server, or give the URL of a running one (redis://host:port).`);
  }
  connected = true;
  return clients;
}

import { createClient, type RedisClientType } from 'redis';
import { currentLockGrant, type RedisLockMap } from '../redis';
import { appliedCallSchema, type AppliedCall, type KeyedCall } from './appliedCalls';
import { sleep } from './sleep';

/** Where, below the key prefix, the calls that keyed writes answered are kept. */
const APPLIED_KEY = 'applied/';

/** How a RedisStateStore reaches Redis and which lock guards each key. */
export interface RedisStateStoreOptions {
  readonly url: string;
  /** The lock map whose fencing tokens every write is checked against. */
  readonly locks: RedisLockMap;
  /** The lock that must be held to write `key`, e.g. `account:alice` for `account/alice`. */
  readonly lockOf: (key: string) => string;
  /** Prefix of the store's keys in Redis. */
  readonly keyPrefix: string;
  /** Simulated storage latency added to every read and every write. */
  readonly latencyMs: number;
}

/**
 * The demo's balances and counters in Redis, shared by every replica; Redis's own persistence takes the journal's
 * role. Each write is checked, in the same script that applies it, against the fencing tokens of the locks the
 * calling handler holds: a replica whose lease ran out has its write refused, never applied.
 */
export class RedisStateStore {
  private constructor(
    private readonly client: RedisClientType,
    private readonly options: RedisStateStoreOptions,
  ) {}

  /** Connects to Redis. */
  static async open(options: RedisStateStoreOptions): Promise<RedisStateStore> {
    const client: RedisClientType = createClient({ url: options.url, disableOfflineQueue: true });
    client.on('error', () => {
      // Reconnects by itself; reads and writes meanwhile fail and say so.
    });
    await client.connect();
    return new RedisStateStore(client, options);
  }

  /** The value of `key` after the simulated latency, or undefined when it was never written. */
  async read(key: string): Promise<number | undefined> {
    if (this.options.latencyMs > 0) await sleep(this.options.latencyMs);
    const value = await this.client.get(this.options.keyPrefix + key);
    return value === null ? undefined : Number(value);
  }

  /** Current keys that start with `prefix`, sorted. */
  async keys(prefix: string): Promise<string[]> {
    const found: string[] = [];
    for await (const batch of this.client.scanIterator({ MATCH: `${this.options.keyPrefix}${prefix}*`, COUNT: 1000 })) {
      found.push(...batch.map((key) => key.slice(this.options.keyPrefix.length)));
    }
    return found.sort();
  }

  /** The call a write with idempotency key `key` answered (kept in Redis, beside the balances it wrote). */
  async appliedCall(key: string): Promise<AppliedCall | undefined> {
    const stored = await this.client.get(this.options.keyPrefix + APPLIED_KEY + key);
    if (stored === null) return undefined;
    const applied = appliedCallSchema.safeParse(JSON.parse(stored));
    if (!applied.success) throw new Error(`The call stored under idempotencyKey "${key}" in Redis is damaged (${applied.error.issues[0]?.message}); use a new key.`);
    return applied.data;
  }

  /** Sets every key of `changes` at once (and the call it answers, with `applied`), only under live holds of their locks; throws when refused. */
  async write(changes: ReadonlyMap<string, number>, applied?: KeyedCall): Promise<void> {
    if (this.options.latencyMs > 0) await sleep(this.options.latencyMs);
    const fences: Record<string, number> = {};
    const values: Record<string, string> = {};
    for (const [key, value] of changes) {
      if (!Number.isSafeInteger(value)) throw new RangeError(`Value of ${key} must be a safe integer, got ${value}`);
      const lock = this.options.lockOf(key);
      const grant = currentLockGrant(lock);
      if (grant === undefined) throw new Error(`${key} was written without holding '${lock}'; take that lock around the read-modify-write.`);
      fences[lock] = grant.fencingToken(lock);
      values[this.options.keyPrefix + key] = String(value);
    }
    if (applied !== undefined) values[this.options.keyPrefix + APPLIED_KEY + applied.key] = JSON.stringify({ call: applied.call, result: applied.result });
    if (!(await this.options.locks.fencedWrite(fences, values))) {
      throw new Error(
        `Refused a stale write of ${[...changes.keys()].join(', ')}: this replica's lease on ${Object.keys(fences).map((lock) => `'${lock}'`).join(', ')} ` +
          'ran out (paused or cut off) and another call may hold it now, so nothing was written. Retry the call.',
      );
    }
  }

  /** Closes the connection. */
  async close(): Promise<void> {
    this.client.destroy();
  }
}

import type { LockSnapshot } from '../contract/lockEvents';
import type { InspectorSink } from './inspectorHub';
import { realClock, type Clock } from './throttle';

/** Reads every replica's holders and waiters from Redis in one step (extension/redis's readRedisLockState). */
export interface RedisLockStateReader {
  read(): Promise<LockSnapshot>;
  close(): Promise<void>;
}

/** How often a RedisLockSource reads; every field has a default. */
export interface RedisLockSourceOptions {
  /** Shortest time between two reads (default 1000 ms). */
  readonly minIntervalMs?: number;
  /**
   * A read runs as one Lua script, which holds Redis up for every replica's lock calls while it runs: the next read
   * waits at least this many times as long as the last one took (default 20, so reading costs Redis at most 5 %).
   */
  readonly costFactor?: number;
  /** Longest wait after failed reads, which back off by doubling (default 10,000 ms). */
  readonly maxRetryMs?: number;
  readonly clock?: Clock;
  /** Told once per run of failures (and again when reads work again), to say so where the user looks. */
  readonly onProblem?: (message: string | undefined) => void;
}

/**
 * The `redis` source: the lock state every replica keeps in Redis, read on a bounded schedule and handed to the model
 * as snapshots, so holders and waiters of replicas that do not report still show (the model merges them with the
 * replicas that do, counting each once). It polls rather than subscribes: a change notification would still need a
 * full read, lock traffic can change thousands of times a second, and replicas that report give the live events;
 * polling keeps the cost bounded whatever the churn, and the interval grows with what a read costs.
 */
export class RedisLockSource {
  private readonly minIntervalMs: number;
  private readonly costFactor: number;
  private readonly maxRetryMs: number;
  private readonly clock: Clock;
  private readonly onProblem: (message: string | undefined) => void;
  private timer: unknown;
  private failures = 0;
  private stopped = false;
  private reading: Promise<void> | undefined;
  private nextRead: Promise<void> | undefined;
  /** How long the latest successful read took, in milliseconds. */
  lastReadMs = 0;

  constructor(
    private readonly reader: RedisLockStateReader,
    private readonly model: InspectorSink,
    private readonly source: { readonly id: string; readonly label: string },
    options: RedisLockSourceOptions = {},
  ) {
    this.minIntervalMs = options.minIntervalMs ?? 1000;
    this.costFactor = options.costFactor ?? 20;
    this.maxRetryMs = options.maxRetryMs ?? 10_000;
    this.clock = options.clock ?? realClock;
    this.onProblem = options.onProblem ?? (() => undefined);
  }

  /** Registers the source with the model and reads at once, then on schedule; resolves after the first read. */
  start(): Promise<void> {
    this.model.addSource({ id: this.source.id, label: this.source.label, kind: 'redis', pid: process.pid, connectedAtMs: this.clock.now() });
    return this.readNow();
  }

  /** Stops reading, closes the connection and marks the source gone. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    await this.reading;
    this.model.disconnectSource(this.source.id);
    await this.reader.close();
  }

  /**
   * Reads now, besides the schedule (which starts over from this read); resolves once the model has it. While a read
   * is in flight, one more read follows it (it may have started before what the caller wants seen), shared by every
   * caller meanwhile: one read at a time and one timer.
   */
  readNow(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.reading) {
      this.nextRead ??= this.reading.then(() => {
        this.nextRead = undefined;
        return this.readNow();
      });
      return this.nextRead;
    }
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.reading = this.readOnce().finally(() => (this.reading = undefined));
    return this.reading;
  }

  private async readOnce(): Promise<void> {
    const startedMs = this.clock.now();
    let delayMs: number;
    try {
      const snapshot = await this.reader.read();
      if (this.stopped) return;
      this.lastReadMs = this.clock.now() - startedMs;
      this.model.applySnapshot(this.source.id, snapshot);
      if (this.failures > 0) this.onProblem(undefined);
      this.failures = 0;
      delayMs = Math.max(this.minIntervalMs, this.lastReadMs * this.costFactor);
    } catch (error) {
      if (this.stopped) return;
      this.failures += 1;
      delayMs = Math.min(this.maxRetryMs, this.minIntervalMs * 2 ** (this.failures - 1));
      if (this.failures > 1) return this.schedule(delayMs);
      // What was read before may be gone by now: show nothing rather than stale holders.
      this.model.applySnapshot(this.source.id, { atMs: this.clock.now(), resources: [] });
      this.onProblem(`Could not read the lock state from ${this.source.label}: ${(error as Error).message}. Trying again, at most ${Math.round(this.maxRetryMs / 1000)} s apart.`);
    }
    this.schedule(delayMs);
  }

  private schedule(delayMs: number): void {
    if (!this.stopped) this.timer = this.clock.setTimeout(() => void this.readNow(), delayMs);
  }
}

/** What is wrong with `url` as the Redis to read locks from, or undefined when it is a `redis://` or `rediss://` URL. */
export function redisUrlProblem(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `"${url}" is not a URL; give one such as redis://127.0.0.1:6379`;
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') return `"${url}" is not a redis:// or rediss:// URL; give one such as redis://127.0.0.1:6379`;
  return undefined;
}

/** How the views name a Redis source: its URL without user or password, e.g. `Redis redis://127.0.0.1:6379`. */
export function redisSourceLabel(url: string): string {
  const parsed = new URL(url);
  parsed.username = '';
  parsed.password = '';
  return `Redis ${parsed.toString().replace(/\/$/, '')}`;
}

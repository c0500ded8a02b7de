import { Mutex } from 'async-mutex';

/**
 * The seed's lock map, rebuilt as the design document describes it, as a benchmark and regression baseline: one async-mutex
 * Mutex per id created on demand and deleted when unreferenced, acquire raced against a 5 s timer that is never
 * cleared, and withLocks sorting the ids and nesting withLock. Its bugs are deliberate; do not fix them.
 */
export class SeedResourceLockMap {
  private readonly mutexes = new Map<string, { readonly mutex: Mutex; references: number }>();

  constructor(private readonly timeoutMs = 5000) {}

  /** Number of ids with a mutex. */
  get size(): number {
    return this.mutexes.size;
  }

  /** Runs `fn` holding `id`'s mutex, or rejects after the timeout. */
  async withLock<T>(id: string, fn: () => Promise<T> | T): Promise<T> {
    let slot = this.mutexes.get(id);
    if (slot === undefined) {
      slot = { mutex: new Mutex(), references: 0 };
      this.mutexes.set(id, slot);
    }
    slot.references++;
    try {
      const release = await Promise.race([
        slot.mutex.acquire(),
        new Promise<never>((_, reject) =>
          setTimeout(() => reject(new Error(`Timeout acquiring lock for ${id}`)), this.timeoutMs),
        ),
      ]);
      try {
        return await fn();
      } finally {
        release();
      }
    } finally {
      slot.references--;
      if (slot.references === 0) this.mutexes.delete(id);
    }
  }

  /** Runs `fn` holding every id, sorted and nested. */
  async withLocks<T>(ids: readonly string[], fn: () => Promise<T> | T): Promise<T> {
    const sorted = [...ids].sort();
    const nest = (index: number): Promise<T> =>
      index === sorted.length ? Promise.resolve(fn()) : this.withLock(sorted[index], () => nest(index + 1));
    return nest(0);
  }
}

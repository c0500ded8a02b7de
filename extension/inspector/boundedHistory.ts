/** A ring buffer that keeps the newest `capacity` items and counts the ones it let go. */
export class BoundedHistory<T> {
  private readonly items: T[] = [];
  /** Index of the oldest item once the ring is full. */
  private oldest = 0;
  private evictedCount = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`History capacity must be a positive integer, got ${capacity}`);
    }
  }

  /** Appends an item, evicting the oldest when full. */
  push(item: T): void {
    if (this.items.length < this.capacity) {
      this.items.push(item);
      return;
    }
    this.items[this.oldest] = item;
    this.oldest = (this.oldest + 1) % this.capacity;
    this.evictedCount += 1;
  }

  /** The retained items, oldest first. */
  toArray(): T[] {
    return this.oldest === 0 ? this.items.slice() : [...this.items.slice(this.oldest), ...this.items.slice(0, this.oldest)];
  }

  /** How many items are retained. */
  get size(): number {
    return this.items.length;
  }

  /** How many items were pushed out by newer ones since the last clear. */
  get evicted(): number {
    return this.evictedCount;
  }

  /** Forgets every item. */
  clear(): void {
    this.items.length = 0;
    this.oldest = 0;
    this.evictedCount = 0;
  }
}

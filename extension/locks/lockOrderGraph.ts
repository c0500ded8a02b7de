/** Default number of ordered pairs remembered. */
export const DEFAULT_MAX_ORDER_PAIRS = 4096;

/**
 * Lockdep-style memory of the orders in which resources were taken ("X held while Y requested"), to warn when
 * two places take the same two resources in opposite orders even if they never raced.
 *
 * Bounded by an approximate LRU rather than by forgetting pairs when their entries go idle: an inversion usually
 * shows up between two calls that never overlap, after both resources went idle, so idle pairs must be remembered.
 * Two generations of half the cap each: a pair seen again moves to the young one, and when the young one is full
 * the old one is dropped whole. So at most `maxPairs` pairs are kept, always including the `maxPairs / 2` most
 * recently seen, in O(1) per call (a Map used as an LRU queue slows down as deleted slots pile up at its front).
 */
export class LockOrderGraph<Site> {
  private young = new Map<string, Site>();
  private old = new Map<string, Site>();
  private readonly generationSize: number;
  // The pair last seen in the young generation: a call repeating it (the usual withLocks in a loop) skips building its key.
  private youngFirst: string | undefined;
  private youngSecond: string | undefined;

  constructor(maxPairs: number = DEFAULT_MAX_ORDER_PAIRS) {
    this.generationSize = Math.floor(maxPairs / 2);
  }

  /** Pairs remembered now. */
  get size(): number {
    return this.young.size + this.old.size;
  }

  /** Whether `first` then `second` is the pair recorded last and still young: recording it again would change nothing. */
  isLastSeen(first: string, second: string): boolean {
    return first === this.youngFirst && second === this.youngSecond;
  }

  /**
   * Records that `first` was held while `second` was requested. Returns the site that took them in the opposite
   * order when this order is new and the opposite one is known; `makeSite` runs only for a new pair.
   */
  record(first: string, second: string, makeSite: () => Site): Site | undefined {
    if (this.generationSize === 0 || this.isLastSeen(first, second)) return undefined;
    const key = pairKey(first, second);
    let opposite: Site | undefined;
    if (!this.young.has(key) && this.refresh(key) === undefined) {
      opposite = this.young.get(pairKey(second, first)) ?? this.refresh(pairKey(second, first));
      this.remember(key, makeSite());
    }
    if (this.young.has(key)) {
      this.youngFirst = first;
      this.youngSecond = second;
    }
    return opposite;
  }

  private refresh(key: string): Site | undefined {
    const site = this.old.get(key);
    if (site === undefined) return undefined;
    this.old.delete(key);
    this.remember(key, site);
    return site;
  }

  private remember(key: string, site: Site): void {
    this.young.set(key, site);
    if (this.young.size < this.generationSize) return;
    this.old = this.young;
    this.young = new Map();
    this.youngFirst = this.youngSecond = undefined;
  }
}

// The length prefix makes the key unambiguous whatever characters the ids contain.
function pairKey(first: string, second: string): string {
  return `${first.length}:${first}${second}`;
}

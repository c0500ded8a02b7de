/** Default number of ordered pairs remembered. */
export const DEFAULT_MAX_ORDER_PAIRS = 10_000;

/**
 * Lockdep-style memory of the orders in which resources were taken ("X held while Y requested"), to warn when
 * two places take the same two resources in opposite orders even if they never raced.
 *
 * Bounded by an LRU cap rather than by forgetting pairs when their entries go idle: an inversion usually shows
 * up between two calls that never overlap, after both resources went idle, so idle pairs must be remembered.
 */
export class LockOrderGraph<Site> {
  private readonly sites = new Map<string, Site>();

  constructor(private readonly maxPairs: number = DEFAULT_MAX_ORDER_PAIRS) {}

  /** Pairs remembered now. */
  get size(): number {
    return this.sites.size;
  }

  /**
   * Records that `first` was held while `second` was requested. Returns the site that took them in the opposite
   * order when this order is new and the opposite one is known; `makeSite` runs only for a new pair.
   */
  record(first: string, second: string, makeSite: () => Site): Site | undefined {
    const key = pairKey(first, second);
    const known = this.sites.get(key);
    if (known !== undefined) {
      this.sites.delete(key);
      this.sites.set(key, known);
      return undefined;
    }
    const opposite = this.sites.get(pairKey(second, first));
    this.sites.set(key, makeSite());
    if (this.sites.size > this.maxPairs) {
      const leastRecent = this.sites.keys().next().value as string;
      this.sites.delete(leastRecent);
    }
    return opposite;
  }
}

// The length prefix makes the key unambiguous whatever characters the ids contain.
function pairKey(first: string, second: string): string {
  return `${first.length}:${first}${second}`;
}

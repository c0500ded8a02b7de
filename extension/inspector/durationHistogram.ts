import type { DurationStats } from '../contract/inspectorSnapshot';

// Log-bucket histogram: bucket edges grow by 5 %, so a percentile is off by at most about 2.5 % of its value,
// recording is O(1) and memory is a handful of Map entries (durations cluster), whatever the event rate.
const GROWTH = 1.05;
const LOG_GROWTH = Math.log(GROWTH);
/** Durations up to this many milliseconds share one bucket (10 microseconds is below any lock's timer resolution). */
const FINEST_MS = 0.01;

/** Streaming percentiles (p50, p95, max) of durations in milliseconds, in bounded memory. */
export class DurationHistogram {
  private readonly buckets = new Map<number, number>();
  private count = 0;
  private max = 0;
  private cachedStats: DurationStats | undefined;

  /** Adds one duration; negative and non-finite values count as zero. */
  record(durationMs: number): void {
    const value = Number.isFinite(durationMs) && durationMs > 0 ? durationMs : 0;
    const bucket = bucketOf(value);
    this.buckets.set(bucket, (this.buckets.get(bucket) ?? 0) + 1);
    this.count += 1;
    if (value > this.max) this.max = value;
    this.cachedStats = undefined;
  }

  /** Count, p50, p95 and exact max; cached until the next record. */
  stats(): DurationStats {
    if (this.cachedStats) return this.cachedStats;
    if (this.count === 0) return (this.cachedStats = EMPTY_STATS);
    const ascending = [...this.buckets.keys()].sort((a, b) => a - b);
    this.cachedStats = {
      count: this.count,
      p50: this.quantile(ascending, 0.5),
      p95: this.quantile(ascending, 0.95),
      max: this.max,
    };
    return this.cachedStats;
  }

  /** Forgets everything recorded. */
  reset(): void {
    this.buckets.clear();
    this.count = 0;
    this.max = 0;
    this.cachedStats = undefined;
  }

  private quantile(ascendingBuckets: readonly number[], quantile: number): number {
    const rank = Math.max(1, Math.ceil(quantile * this.count));
    let seen = 0;
    for (const bucket of ascendingBuckets) {
      seen += this.buckets.get(bucket) ?? 0;
      if (seen >= rank) return Math.min(this.max, representativeOf(bucket));
    }
    return this.max;
  }
}

const EMPTY_STATS: DurationStats = { count: 0, p50: 0, p95: 0, max: 0 };

// Bucket 0 is exactly zero (an uncontended acquire), 1 is (0, FINEST_MS], n >= 2 is (FINEST_MS*G^(n-2), FINEST_MS*G^(n-1)].
function bucketOf(value: number): number {
  if (value === 0) return 0;
  if (value <= FINEST_MS) return 1;
  return 1 + Math.ceil(Math.log(value / FINEST_MS) / LOG_GROWTH);
}

function representativeOf(bucket: number): number {
  if (bucket === 0) return 0;
  if (bucket === 1) return FINEST_MS / 2;
  return FINEST_MS * GROWTH ** (bucket - 1.5);
}

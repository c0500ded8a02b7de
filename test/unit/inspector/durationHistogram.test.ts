import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { DurationHistogram } from '../../../extension/inspector/durationHistogram';

function exactQuantile(sortedValues: readonly number[], quantile: number): number {
  return sortedValues[Math.max(0, Math.ceil(quantile * sortedValues.length) - 1)] as number;
}

describe('DurationHistogram', () => {
  it('reports zeros when empty', () => {
    assert.deepEqual(new DurationHistogram().stats(), { count: 0, p50: 0, p95: 0, max: 0 });
  });

  it('keeps p50 and p95 within 3 % of the exact values and max exact, for any durations', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0.02, max: 600_000, noNaN: true }), { minLength: 1, maxLength: 500 }), (values) => {
        const histogram = new DurationHistogram();
        for (const value of values) histogram.record(value);
        const sorted = [...values].sort((a, b) => a - b);
        const stats = histogram.stats();
        assert.equal(stats.count, values.length);
        assert.equal(stats.max, sorted.at(-1));
        for (const [quantile, estimate] of [[0.5, stats.p50], [0.95, stats.p95]] as const) {
          const exact = exactQuantile(sorted, quantile);
          assert.ok(Math.abs(estimate - exact) <= exact * 0.03, `q${quantile}: ${estimate} vs exact ${exact}`);
        }
      }),
    );
  });

  it('treats zero, negative and non-finite durations as zero (an uncontended acquire)', () => {
    const histogram = new DurationHistogram();
    for (const value of [0, -5, Number.NaN, 0]) histogram.record(value);
    histogram.record(10);
    const stats = histogram.stats();
    assert.deepEqual([stats.count, stats.p50, stats.max], [5, 0, 10]);
    assert.ok(Math.abs(stats.p95 - 10) <= 0.3, `p95 ${stats.p95}`);
  });

  it('forgets everything on reset', () => {
    const histogram = new DurationHistogram();
    histogram.record(3);
    histogram.reset();
    assert.equal(histogram.stats().count, 0);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AnalysisCache } from '../../../../extension/host/codeLens/analysisCache';

describe('AnalysisCache', () => {
  it('computes once per document version', () => {
    const cache = new AnalysisCache<string>();
    let computations = 0;
    const compute = (): string => `result ${++computations}`;
    assert.equal(cache.get('file:///a.ts', 1, compute), 'result 1');
    assert.equal(cache.get('file:///a.ts', 1, compute), 'result 1');
    assert.equal(cache.get('file:///a.ts', 2, compute), 'result 2', 'an edit is a new version');
    assert.equal(cache.get('file:///b.ts', 2, compute), 'result 3', 'versions are per document');
    assert.equal(computations, 3);
  });

  it('forgets the least recently used document beyond its capacity, and deleted ones', () => {
    const cache = new AnalysisCache<string>(2);
    cache.get('a', 1, () => 'a1');
    cache.get('b', 1, () => 'b1');
    cache.get('a', 1, () => 'a again');
    cache.get('c', 1, () => 'c1');
    assert.equal(cache.peek('a'), 'a1');
    assert.equal(cache.peek('b'), undefined);
    cache.delete('a');
    assert.equal(cache.peek('a'), undefined);
  });
});

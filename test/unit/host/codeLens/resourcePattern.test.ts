import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { longestLiteralPart, matchesResourcePattern } from '../../../../extension/host/codeLens/resourcePattern';

describe('matchesResourcePattern', () => {
  const cases: [pattern: string, resource: string, matches: boolean][] = [
    ['ledger', 'ledger', true],
    ['ledger', 'ledger2', false],
    ['account:*', 'account:alice', true],
    ['account:*', 'account:', true],
    ['account:*', 'counter:alice', false],
    ['*:entry', 'cache:q:entry', true],
    ['key:*:a', 'key:ring:a', true],
    ['key:*:a', 'key:ring:b', false],
    ['a*a', 'a', false],
    ['a*b*c', 'abc', true],
    ['a*b*c', 'acb', false],
    ['*', 'anything', true],
  ];
  for (const [pattern, resource, matches] of cases) {
    it(`${pattern} ${matches ? 'matches' : 'does not match'} ${resource}`, () => assert.equal(matchesResourcePattern(pattern, resource), matches));
  }

  it('finds the longest literal part for a substring filter', () => {
    assert.equal(longestLiteralPart('account:*'), 'account:');
    assert.equal(longestLiteralPart('key:*:entry'), ':entry');
    assert.equal(longestLiteralPart('ledger'), 'ledger');
  });
});

import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { parseTimelineFilter } from '../../../../extension/host/views/timelineFilter';

test('keeps the known fields', () => {
  assert.deepEqual(parseTimelineFilter({ tool: 'transfer', resource: 'acct', sourceId: 's1', onlyContended: true }), {
    tool: 'transfer',
    resource: 'acct',
    sourceId: 's1',
    onlyContended: true,
  });
});

test('drops unknown fields, empty strings and wrong types', () => {
  assert.deepEqual(parseTimelineFilter({ tool: '', resource: 7, onlyContended: 'yes', extra: 1 }), {});
});

test('rejects what is not an object, saying what it expected', () => {
  for (const value of [null, 'transfer', ['transfer'], 3]) assert.throws(() => parseTimelineFilter(value), /must be an object like/);
});

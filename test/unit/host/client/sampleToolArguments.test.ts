import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sampleToolArguments } from '../../../../extension/host/client/sampleToolArguments';

test('fills required properties only, preferring defaults, examples and enums over placeholders', () => {
  const schema = {
    type: 'object',
    properties: {
      from: { type: 'string' },
      amount: { type: 'number', minimum: 0.01 },
      currency: { type: 'string', enum: ['USD', 'EUR'] },
      note: { type: 'string' },
      retries: { type: 'integer', default: 3 },
      limits: { type: 'object', properties: { max: { type: 'integer', examples: [10] } }, required: ['max'] },
    },
    required: ['from', 'amount', 'currency', 'retries', 'limits'],
  };
  assert.deepEqual(sampleToolArguments(schema), { from: 'a', amount: 1, currency: 'USD', retries: 3, limits: { max: 10 } });
});

test('a tool without a schema gets empty arguments', () => {
  assert.deepEqual(sampleToolArguments(undefined), {});
});

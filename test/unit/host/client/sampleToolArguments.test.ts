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
  assert.deepEqual(sampleToolArguments(schema), { from: 'alice', amount: 1, currency: 'USD', retries: 3, limits: { max: 10 } });
});

test('a tool without a schema gets empty arguments', () => {
  assert.deepEqual(sampleToolArguments(undefined), {});
});

test('two string properties get two different names the demo bank knows, so a transfer moves money between two accounts', () => {
  const transfer = {
    type: 'object',
    properties: { from: { type: 'string' }, to: { type: 'string' }, amount: { type: 'number', exclusiveMinimum: 0 } },
    required: ['from', 'to', 'amount'],
  };
  assert.deepEqual(sampleToolArguments(transfer), { from: 'alice', to: 'bob', amount: 1 });
});

test('string examples are used in order, one per property', () => {
  const schema = {
    type: 'object',
    properties: { source: { type: 'string', examples: ['main', 'dev'] }, target: { type: 'string', examples: ['main', 'dev'] } },
    required: ['source', 'target'],
  };
  assert.deepEqual(sampleToolArguments(schema), { source: 'main', target: 'dev' });
});

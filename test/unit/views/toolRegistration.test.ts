import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { findToolRegistration } from '../../../extension/views/toolRegistration';

const source = ["import x from 'y';", '', "server.registerTool(", "  'transfer', { description: 'moves money' }, handler);", "server.tool(\"audit\", handler);"].join('\n');

test('finds registerTool with the name on the next line', () => {
  assert.deepEqual(findToolRegistration(source, 'transfer'), { line: 3, column: 8 });
});

test('finds the short .tool() spelling', () => {
  assert.deepEqual(findToolRegistration(source, 'audit'), { line: 5, column: 8 });
});

test('matches the whole name only, with regex characters taken literally', () => {
  assert.equal(findToolRegistration(source, 'trans'), undefined);
  assert.equal(findToolRegistration("server.tool('a.b', h)", 'a*b'), undefined);
  assert.deepEqual(findToolRegistration("server.tool('a.b', h)", 'a.b'), { line: 1, column: 8 });
});

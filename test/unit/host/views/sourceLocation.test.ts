import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { parseSourceLocation } from '../../../../extension/host/views/sourceLocation';

test('parses path:line:column', () => {
  assert.deepEqual(parseSourceLocation('/repo/src/bank.ts:42:7'), { path: '/repo/src/bank.ts', line: 42, column: 7 });
});

test('a missing column means column 1', () => {
  assert.deepEqual(parseSourceLocation('src/bank.ts:3'), { path: 'src/bank.ts', line: 3, column: 1 });
});

test('keeps Windows drive letters and file URLs in the path', () => {
  assert.equal(parseSourceLocation('C:\\repo\\bank.ts:9:1').path, 'C:\\repo\\bank.ts');
  assert.equal(parseSourceLocation('file:///repo/bank.ts:9:2').path, 'file:///repo/bank.ts');
});

test('accepts the parenthesised form of stack frames', () => {
  assert.deepEqual(parseSourceLocation('(/repo/bank.ts:5:6)'), { path: '/repo/bank.ts', line: 5, column: 6 });
});

test('rejects text without a line number, saying what it expected', () => {
  assert.throws(() => parseSourceLocation('/repo/bank.ts'), /expected "file:line"/);
  assert.throws(() => parseSourceLocation('C:12'), /expected "file:line"/);
});

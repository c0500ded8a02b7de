import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import fc from 'fast-check';
import { visibleRows } from '../../../webview/shared/virtualRange';

test('renders the rows in view plus the overscan', () => {
  assert.deepEqual(visibleRows(0, 100, 20, 10_000, 2), { first: 0, end: 7 });
  assert.deepEqual(visibleRows(2000, 100, 20, 10_000, 2), { first: 98, end: 107 });
});

test('a list that starts below the viewport top, or is scrolled past, renders only what shows', () => {
  assert.deepEqual(visibleRows(-50, 100, 20, 10, 0), { first: 0, end: 3 });
  assert.deepEqual(visibleRows(-500, 100, 20, 10, 0), { first: 0, end: 0 });
  assert.deepEqual(visibleRows(5000, 100, 20, 10, 0), { first: 0, end: 0 });
});

test('every row in the viewport is rendered, and never more than fit plus overscan', () => {
  fc.assert(
    fc.property(fc.integer({ min: -2000, max: 300_000 }), fc.integer({ min: 1, max: 2000 }), fc.integer({ min: 1, max: 80 }), fc.integer({ min: 0, max: 10_000 }), (top, height, rowHeight, count) => {
      const { first, end } = visibleRows(top, height, rowHeight, count, 3);
      for (let row = 0; row < count; row++) {
        const inView = row * rowHeight < top + height && (row + 1) * rowHeight > top;
        if (inView) assert.ok(row >= first && row < end, `row ${row} in view but not rendered`);
      }
      assert.ok(end - first <= Math.ceil(height / rowHeight) + 1 + 6);
    }),
  );
});

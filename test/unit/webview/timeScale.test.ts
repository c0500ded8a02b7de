import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import fc from 'fast-check';
import { MAX_MS_PER_PIXEL, MIN_MS_PER_PIXEL, clampZoom, fitWindow, formatTick, panBy, tickStep, ticksIn, timeToX, xToTime, zoomAround } from '../../../webview/timeline/timeScale';

const window = { endMs: 10_000, msPerPixel: 10, widthPx: 1000 };

test('the right edge is endMs and each pixel is msPerPixel', () => {
  assert.equal(timeToX(window, 10_000), 1000);
  assert.equal(timeToX(window, 0), 0);
  assert.equal(xToTime(window, 500), 5000);
});

test('zooming keeps the time under the pointer in place', () => {
  fc.assert(
    fc.property(fc.double({ min: 0, max: 1000, noNaN: true }), fc.double({ min: 0.1, max: 10, noNaN: true }), (anchorX, factor) => {
      const zoomed = zoomAround(window, anchorX, factor);
      assert.ok(Math.abs(xToTime(zoomed, anchorX) - xToTime(window, anchorX)) < 1e-6);
    }),
  );
});

test('zoom stays within its limits, and nonsense falls back to the default', () => {
  assert.equal(zoomAround(window, 0, 1e9).msPerPixel, MAX_MS_PER_PIXEL);
  assert.equal(zoomAround(window, 0, 1e-9).msPerPixel, MIN_MS_PER_PIXEL);
  assert.equal(clampZoom(Number.NaN), 10);
  assert.equal(clampZoom(-3), 10);
});

test('dragging right shows earlier time', () => {
  assert.equal(panBy(window, 100).endMs, 9000);
});

test('fitWindow shows the whole range', () => {
  const fitted = fitWindow(2000, 4000, 500);
  assert.ok(timeToX(fitted, 2000) >= -1e-9);
  assert.ok(timeToX(fitted, 4000) <= 500);
});

test('ticks are round, inside the window and at least the minimum spacing apart', () => {
  const step = tickStep(window.msPerPixel, 90);
  assert.equal(step, 1000);
  const ticks = ticksIn(window, step);
  assert.deepEqual(ticks, [0, 1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000, 10_000]);
  assert.equal(tickStep(0.001), 0.1);
});

test('tick labels gain precision as the step shrinks', () => {
  const atMs = new Date(2026, 0, 1, 14, 3, 5, 250).getTime();
  assert.equal(formatTick(atMs, 1000), '14:03:05');
  assert.equal(formatTick(atMs, 100), '03:05.3');
  assert.equal(formatTick(atMs, 10), '03:05.25');
  assert.equal(formatTick(atMs, 1), '03:05.250');
});

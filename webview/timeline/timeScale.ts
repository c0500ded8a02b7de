/** The visible stretch of time: its right edge, its zoom, and the width it is drawn into. */
export interface TimeWindow {
  readonly endMs: number;
  readonly msPerPixel: number;
  readonly widthPx: number;
}

/** Closest zoom: 10 microseconds per pixel. */
export const MIN_MS_PER_PIXEL = 0.01;
/** Farthest zoom: one minute per pixel. */
export const MAX_MS_PER_PIXEL = 60_000;
/** Ten seconds across a thousand pixels. */
export const DEFAULT_MS_PER_PIXEL = 10;

/** Horizontal position of time `atMs`, in pixels from the window's left edge. */
export function timeToX(window: TimeWindow, atMs: number): number {
  return window.widthPx - (window.endMs - atMs) / window.msPerPixel;
}

/** Time at horizontal position `x`. */
export function xToTime(window: TimeWindow, x: number): number {
  return window.endMs - (window.widthPx - x) * window.msPerPixel;
}

/** Zooms by `factor` (> 1 zooms out) keeping the time under `anchorX` where it is. */
export function zoomAround(window: TimeWindow, anchorX: number, factor: number): TimeWindow {
  const msPerPixel = clampZoom(window.msPerPixel * factor);
  const anchorMs = xToTime(window, anchorX);
  return { ...window, msPerPixel, endMs: anchorMs + (window.widthPx - anchorX) * msPerPixel };
}

/** Moves the window by a drag of `deltaX` pixels: dragging right shows earlier time. */
export function panBy(window: TimeWindow, deltaX: number): TimeWindow {
  return { ...window, endMs: window.endMs - deltaX * window.msPerPixel };
}

/** Keeps a zoom level within the limits; anything not a positive number becomes the default. */
export function clampZoom(msPerPixel: number): number {
  if (!Number.isFinite(msPerPixel) || msPerPixel <= 0) return DEFAULT_MS_PER_PIXEL;
  return Math.min(MAX_MS_PER_PIXEL, Math.max(MIN_MS_PER_PIXEL, msPerPixel));
}

/** A zoom that fits `[fromMs, toMs]` into `widthPx` with a little room on the right. */
export function fitWindow(fromMs: number, toMs: number, widthPx: number): TimeWindow {
  const spanMs = Math.max(toMs - fromMs, 1);
  const msPerPixel = clampZoom((spanMs * 1.05) / Math.max(widthPx, 1));
  return { widthPx, msPerPixel, endMs: fromMs + widthPx * msPerPixel };
}

const TICK_STEPS_MS = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 900_000, 1_800_000, 3_600_000];

/** The smallest round tick interval that leaves at least `minSpacingPx` between labels. */
export function tickStep(msPerPixel: number, minSpacingPx = 90): number {
  const wanted = msPerPixel * minSpacingPx;
  return TICK_STEPS_MS.find((step) => step >= wanted) ?? TICK_STEPS_MS[TICK_STEPS_MS.length - 1]!;
}

/** Tick times inside the window, multiples of `stepMs`. */
export function ticksIn(window: TimeWindow, stepMs: number): number[] {
  const fromMs = xToTime(window, 0);
  const ticks: number[] = [];
  for (let tick = Math.ceil(fromMs / stepMs) * stepMs; tick <= window.endMs; tick += stepMs) ticks.push(tick);
  return ticks;
}

/** A tick label as precise as the step needs: `14:03:05`, `03:05.250`, `05.2500`. */
export function formatTick(atMs: number, stepMs: number): string {
  const date = new Date(atMs);
  const pad = (value: number, width = 2): string => String(value).padStart(width, '0');
  const hms = `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
  if (stepMs >= 1000) return hms;
  const fraction = atMs / 1000 - Math.floor(atMs / 1000);
  const digits = stepMs >= 100 ? 1 : stepMs >= 10 ? 2 : stepMs >= 1 ? 3 : 5;
  return `${pad(date.getMinutes())}:${pad(date.getSeconds())}${fraction.toFixed(digits).slice(1)}`;
}

import type { DurationStats } from '../../extension/contract/inspectorSnapshot';
import { formatDuration } from '../../extension/contract/describe';

/** Wall-clock time with milliseconds, `14:03:07.215`, in the webview's time zone. */
export function formatClock(atMs: number): string {
  const date = new Date(atMs);
  return `${pad2(date.getHours())}:${pad2(date.getMinutes())}:${pad2(date.getSeconds())}.${String(date.getMilliseconds()).padStart(3, '0')}`;
}

/** How long ago something happened, coarsely: `just now`, `4 s ago`, `3 min ago`. */
export function formatAgo(atMs: number, nowMs: number): string {
  const elapsed = nowMs - atMs;
  if (elapsed < 1000) return 'just now';
  return `${formatDuration(elapsed).replace(/ \d+ (s|min)$/, '')} ago`;
}

// One formatter for every call: toLocaleString builds a new one each time, which shows in a 60 fps profile.
const countFormat = new Intl.NumberFormat('en-US');

/** A count with thin grouping: `12,345`. */
export function formatCount(count: number): string {
  return countFormat.format(count);
}

/** Median and 95th percentile, `3 / 40 ms`: the p50 drops its unit when the p95 has the same one, to save width. */
export function formatPercentiles(stats: DurationStats): string {
  if (stats.count === 0) return '–';
  const p50 = formatDuration(stats.p50);
  const p95 = formatDuration(stats.p95);
  const sameUnit = /^[\d.]+ (ms|s)$/.test(p50) && p50.split(' ')[1] === p95.split(' ')[1];
  return `${sameUnit ? p50.split(' ')[0] : p50} / ${p95}`;
}

function pad2(value: number): string {
  return String(value).padStart(2, '0');
}

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

/**
 * `text` cut in its middle to fit `maxWidth` as `measure` measures it (`account:10… · pid 4242`), so the start of a
 * resource id and the end of its source both stay readable.
 */
export function fitMiddle(text: string, maxWidth: number, measure: (candidate: string) => number): string {
  if (measure(text) <= maxWidth) return text;
  let fits = 0;
  let tooLong = text.length;
  while (tooLong - fits > 1) {
    const keep = Math.floor((fits + tooLong) / 2);
    if (measure(cutMiddle(text, keep)) <= maxWidth) fits = keep;
    else tooLong = keep;
  }
  return cutMiddle(text, fits);
}

function cutMiddle(text: string, keep: number): string {
  const head = Math.ceil(keep / 2);
  return `${text.slice(0, head)}…${text.slice(text.length - (keep - head))}`;
}

function pad2(value: number): string {
  return String(value).padStart(2, '0');
}

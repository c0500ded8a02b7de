import type { DurationStats } from '../../extension/contract/inspectorSnapshot';
import type { LockOwner } from '../../extension/contract/lockEvents';

/** A duration for people: `0.4 ms`, `12 ms`, `1.2 s`, `12 s`, `2 m 05 s`, `1 h 02 m`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '–';
  if (ms < 10) return `${trimZero(ms.toFixed(1))} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const seconds = ms / 1000;
  if (seconds < 10) return `${trimZero(seconds.toFixed(1))} s`;
  if (seconds < 60) return `${Math.floor(seconds)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} m ${pad2(Math.floor(seconds % 60))} s`;
  return `${Math.floor(minutes / 60)} h ${pad2(minutes % 60)} m`;
}

/** Who holds or waits, in a few characters: `transfer #12`, a free-text label, or the call chain. */
export function formatOwner(owner: LockOwner | undefined, chainId: number): string {
  if (owner?.tool) return owner.requestId === undefined ? owner.tool : `${owner.tool} #${owner.requestId}`;
  if (owner?.label) return owner.label;
  return `chain ${chainId}`;
}

/** Wall-clock time with milliseconds, `14:03:07.215`, in the webview's time zone. */
export function formatClock(atMs: number): string {
  const date = new Date(atMs);
  return `${pad2(date.getHours())}:${pad2(date.getMinutes())}:${pad2(date.getSeconds())}.${String(date.getMilliseconds()).padStart(3, '0')}`;
}

/** How long ago something happened, coarsely: `just now`, `4 s ago`, `3 m ago`. */
export function formatAgo(atMs: number, nowMs: number): string {
  const elapsed = nowMs - atMs;
  if (elapsed < 1000) return 'just now';
  return `${formatDuration(elapsed).replace(/ \d+ (s|m)$/, '')} ago`;
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

function trimZero(text: string): string {
  return text.endsWith('.0') ? text.slice(0, -2) : text;
}

function pad2(value: number): string {
  return String(value).padStart(2, '0');
}

// Checks and descriptions of what callers pass to a lock map, worded the same by every backend.
import type { LockMode } from '../contract/lockEvents';

// Node's timers take at most 2^31 - 1 ms and fire after 1 ms when given more.
const LONGEST_TIMER_MS = 2 ** 31 - 1;

/** `value` when it is a usable duration in milliseconds (0 to 2^31 - 1, or Infinity); a RangeError naming `name` otherwise. */
export function checkDuration(name: string, value: number): number {
  if (typeof value !== 'number' || Number.isNaN(value) || value < 0 || (value > LONGEST_TIMER_MS && value !== Infinity)) {
    throw new RangeError(
      `${name} must be a number of milliseconds from 0 to ${LONGEST_TIMER_MS} (about 24.8 days), or Infinity, got ${describeValue(value)}.`,
    );
  }
  return value;
}

/** An abort reason as error messages quote it. */
export function describeAbortReason(reason: unknown): string | undefined {
  if (reason === undefined) return undefined;
  if (reason instanceof Error) return reason.message;
  return String(reason);
}

/** A wrong argument as error messages quote it: strings in quotes, objects by kind. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null || value === undefined || typeof value !== 'object') return String(value);
  return Array.isArray(value) ? 'an array' : 'an object';
}

/** The resource ids of a `withLocks` call, sorted and each once (one global order); a TypeError saying what was wrong otherwise. */
export function sortedLockIds(resources: Iterable<string>): string[] {
  const iterable = typeof (resources as Partial<Iterable<string>> | null)?.[Symbol.iterator] === 'function';
  const ids = iterable && typeof resources !== 'string' ? [...resources] : undefined;
  const wrongIndex = ids?.findIndex((id) => typeof id !== 'string') ?? -1;
  if (ids === undefined || wrongIndex !== -1) {
    const got = ids === undefined ? describeValue(resources) : `an array containing ${describeValue(ids[wrongIndex])}`;
    throw new TypeError(`withLocks needs an array of resource id strings, got ${got}.`);
  }
  return [...new Set(ids)].sort();
}

/** A lock call's work, mode and timeout, checked: the mode (default write) and timeout (default the map's) it asks for. */
export function checkLockCall(
  fn: unknown,
  options: { readonly mode?: LockMode; readonly timeoutMs?: number } | undefined,
  defaultTimeoutMs: number,
): { mode: LockMode; timeoutMs: number } {
  if (typeof fn !== 'function') throw new TypeError(`The locked work must be a function () => result, got ${describeValue(fn)}.`);
  const mode = options?.mode ?? 'write';
  if (mode !== 'write' && mode !== 'read') throw new TypeError(`mode must be 'read' or 'write', got ${describeValue(mode)}.`);
  return { mode, timeoutMs: options?.timeoutMs === undefined ? defaultTimeoutMs : checkDuration('timeoutMs', options.timeoutMs) };
}

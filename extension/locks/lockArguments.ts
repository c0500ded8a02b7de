// Checks and descriptions of what callers pass to a lock map, worded the same by every backend.

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

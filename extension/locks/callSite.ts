import { fileURLToPath } from 'node:url';

const FRAME_LOCATION = /\(?([^\s()]+):(\d+):(\d+)\)?\s*$/;

/**
 * The `file:line:column` of whoever called `api` (a public method still on the stack), or undefined.
 * Costs a few microseconds, so it runs only when a new lock-order pair is first seen.
 */
export function captureCallSite(api: (...args: never[]) => unknown): string | undefined {
  const holder: { stack?: string } = {};
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 1;
  // Frames from `api` up are omitted, so the one frame left is the caller's, wherever the library was bundled.
  Error.captureStackTrace(holder, api);
  Error.stackTraceLimit = stackTraceLimit;
  const frame = holder.stack?.split('\n')[1];
  const match = frame === undefined ? null : FRAME_LOCATION.exec(frame);
  if (match === null) return undefined;
  const file = match[1].startsWith('file://') ? fileURLToPath(match[1]) : match[1];
  return `${file}:${match[2]}:${match[3]}`;
}

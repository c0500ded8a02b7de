import { fileURLToPath } from 'node:url';

/** A caller's stack frame, captured but not yet formatted: V8 formats it (and applies source maps) only on first read. */
export interface CapturedCallSite {
  readonly stack?: string;
}

const FRAME_LOCATION = /\(?([^\s()]+):(\d+):(\d+)\)?\s*$/;

/**
 * Captures the frame of whoever called `api` (a public method still on the stack), wherever the library was bundled:
 * V8 omits every frame from `api` up. About a microsecond, so it runs only when a new lock-order pair is first seen.
 */
export function captureCallSite(api: (...args: never[]) => unknown): CapturedCallSite {
  const captured: { stack?: string } = {};
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 1;
  Error.captureStackTrace(captured, api);
  Error.stackTraceLimit = stackTraceLimit;
  return captured;
}

/** The `file:line:column` of a captured call site, or undefined when the stack has no usable frame. */
export function callSiteLocation(callSite: CapturedCallSite): string | undefined {
  const frame = callSite.stack?.split('\n')[1];
  const match = frame === undefined ? null : FRAME_LOCATION.exec(frame);
  if (match === null) return undefined;
  const file = match[1].startsWith('file://') ? fileURLToPath(match[1]) : match[1];
  return `${file}:${match[2]}:${match[3]}`;
}

/** A per-second allowance of call-site captures, so a flood of new lock-order pairs costs a bounded amount of CPU. */
export class CallSiteBudget {
  private windowStartMs = -Infinity;
  private spent = 0;

  constructor(private readonly perSecond: number) {}

  /** Whether one more capture fits in the current second; counts it when it does. */
  take(nowMs: number): boolean {
    if (nowMs - this.windowStartMs >= 1000) {
      this.windowStartMs = nowMs;
      this.spent = 0;
    }
    if (this.spent >= this.perSecond) return false;
    this.spent++;
    return true;
  }
}

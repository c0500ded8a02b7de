import type { ChromeTrace, ChromeTraceEvent } from '../../extension/inspector/traceExport';

/**
 * What breaks the Trace Event Format's documented rules in a trace, one sentence each (empty when none): complete
 * slices on one thread that overlap without nesting, flows whose start or end is missing or duplicated, that run
 * backwards, or that no slice on their thread encloses (so Perfetto drops them), async slices without their end,
 * and counters whose values are not numbers.
 */
export function chromeTraceViolations(trace: ChromeTrace): string[] {
  const violations: string[] = [];
  const slicesByThread = new Map<string, ChromeTraceEvent[]>();
  for (const event of trace.traceEvents) {
    if (typeof event.ts !== 'number' || event.ts < 0 || !Number.isFinite(event.ts)) violations.push(`${event.ph} "${event.name}" has a bad ts ${event.ts}`);
    if (event.ph !== 'X') continue;
    if (typeof event.dur !== 'number' || event.dur < 0) violations.push(`slice "${event.name}" has a bad dur ${event.dur}`);
    const key = `${event.pid}:${event.tid}`;
    slicesByThread.set(key, [...(slicesByThread.get(key) ?? []), event]);
  }
  for (const [thread, slices] of slicesByThread) {
    const open: ChromeTraceEvent[] = [];
    for (const slice of [...slices].sort((a, b) => a.ts - b.ts || (b.dur ?? 0) - (a.dur ?? 0))) {
      while (open.length > 0 && endOf(open.at(-1) as ChromeTraceEvent) <= slice.ts) open.pop();
      const parent = open.at(-1);
      if (parent && endOf(slice) > endOf(parent)) violations.push(`on thread ${thread}, "${slice.name}" at ${slice.ts} overlaps "${parent.name}" without nesting in it`);
      open.push(slice);
    }
  }
  const enclosed = (event: ChromeTraceEvent) => (slicesByThread.get(`${event.pid}:${event.tid}`) ?? []).some((slice) => slice.ts <= event.ts && event.ts <= endOf(slice));

  const flows = new Map<string, { starts: ChromeTraceEvent[]; ends: ChromeTraceEvent[] }>();
  const asyncSlices = new Map<string, { begins: ChromeTraceEvent[]; ends: ChromeTraceEvent[] }>();
  for (const event of trace.traceEvents) {
    if (event.ph === 's' || event.ph === 'f') {
      const key = `${event.cat}/${event.id}`;
      const flow = flows.get(key) ?? { starts: [], ends: [] };
      (event.ph === 's' ? flow.starts : flow.ends).push(event);
      flows.set(key, flow);
      if (!enclosed(event)) violations.push(`flow ${key} ${event.ph === 's' ? 'start' : 'end'} at ${event.ts} lies in no slice of its thread ${event.pid}:${event.tid}`);
    } else if (event.ph === 'b' || event.ph === 'e') {
      const key = `${event.pid}/${event.cat}/${event.id2?.local ?? event.id}`;
      const slice = asyncSlices.get(key) ?? { begins: [], ends: [] };
      (event.ph === 'b' ? slice.begins : slice.ends).push(event);
      asyncSlices.set(key, slice);
    } else if (event.ph === 'C') {
      const values = Object.values(event.args ?? {});
      if (values.length === 0 || values.some((value) => typeof value !== 'number')) violations.push(`counter "${event.name}" at ${event.ts} has non-numeric values`);
    }
  }
  for (const [key, { starts, ends }] of flows) {
    if (starts.length !== 1 || ends.length !== 1) violations.push(`flow ${key} has ${starts.length} start(s) and ${ends.length} end(s), not one of each`);
    else if ((ends[0] as ChromeTraceEvent).ts < (starts[0] as ChromeTraceEvent).ts) violations.push(`flow ${key} ends before it starts`);
  }
  for (const [key, { begins, ends }] of asyncSlices) {
    if (begins.length !== 1 || ends.length !== 1) violations.push(`async slice ${key} has ${begins.length} begin(s) and ${ends.length} end(s)`);
    else if ((ends[0] as ChromeTraceEvent).ts < (begins[0] as ChromeTraceEvent).ts) violations.push(`async slice ${key} ends before it begins`);
  }
  return violations;
}

function endOf(slice: ChromeTraceEvent): number {
  return slice.ts + (slice.dur ?? 0);
}

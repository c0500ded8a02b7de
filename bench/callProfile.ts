// Where a tool call's microseconds go: a V8 CPU profile of many calls, its samples charged to the nearest frame of
// a known part (the instrumentation, the lock context, locks and events, encoding, socket writes, the SDK ...).
import { Session } from 'node:inspector/promises';
import type { BenchRow } from './measure';

/** A V8 CPU profile as `Profiler.stop` and `--cpu-prof` write it (the fields read here). */
export interface CpuProfile {
  readonly nodes: readonly { readonly id: number; readonly callFrame: { readonly functionName: string; readonly url: string }; readonly children?: readonly number[] }[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

// First match wins, so the project's own rooms come before the node: and SDK patterns their frames call into.
const PARTS: readonly (readonly [part: string, pattern: RegExp])[] = [
  ['instrumentation wrapper', /extension\/mcp\/(instrument|callerIdentity|taskLockOwners)|contract\/argumentFingerprints/],
  ['encoding (reporter)', /extension\/mcp\/inspectorReporter|contract\/wireFormat/],
  ['lock context', /extension\/locks\/lockContext|async_hooks|async_context_frame|async_local_storage/],
  ['locks and events', /extension\/locks\//],
  ['socket and pipe writes', /node:net|internal\/(net|stream_base_commons|streams\/)|node:stream/],
  ['MCP SDK (JSON-RPC, dispatch)', /@modelcontextprotocol/],
  ['zod (SDK argument checks)', /node_modules\/zod/],
  ['bench harness', /\/bench\//],
];

/** Starts this process's CPU profiler, sampling every 50 us; the function returned stops it and gives the profile. */
export async function startProfiler(): Promise<() => Promise<CpuProfile>> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 50 });
  await session.post('Profiler.start');
  return async () => {
    try {
      return (await session.post('Profiler.stop')).profile as CpuProfile;
    } finally {
      session.disconnect();
    }
  };
}

/** Profiles `work` in this process. */
export async function profileInProcess(work: () => Promise<void>): Promise<CpuProfile> {
  const stop = await startProfiler();
  await work().catch(async (error: unknown) => {
    await stop();
    throw error;
  });
  return stop();
}

/** Nanoseconds per call of each part (and of idle, GC and the rest), from a profile of `calls` calls. */
export function partsPerCall(profile: CpuProfile, calls: number): Map<string, number> {
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const partOfNode = new Map<number, string>();
  const partOf = (id: number): string => {
    const known = partOfNode.get(id);
    if (known !== undefined) return known;
    const { functionName, url } = byId.get(id)!.callFrame;
    const own = functionName === '(garbage collector)' ? 'garbage collection' : functionName === '(idle)' ? 'idle (waiting for I/O)' : PARTS.find(([, pattern]) => pattern.test(url))?.[0];
    const parent = parentOf.get(id);
    const part = own ?? (parent === undefined ? 'other (Node, V8)' : partOf(parent));
    partOfNode.set(id, part);
    return part;
  };
  const nsPerCall = new Map<string, number>();
  profile.samples.forEach((id, index) => {
    const part = partOf(id);
    nsPerCall.set(part, (nsPerCall.get(part) ?? 0) + (profile.timeDeltas[index] * 1000) / calls);
  });
  return nsPerCall;
}

/** Table rows of `parts`, largest first, each with what `baseline` (e.g. the bare server) spent on the same part. */
export function partRows(parts: ReadonlyMap<string, number>, baseline?: ReadonlyMap<string, number>): BenchRow[] {
  return [...parts]
    .sort((first, second) => second[1] - first[1])
    .map(([part, ns]) => ({ label: part, value: ns / 1000, unit: 'us/call', note: baseline === undefined ? undefined : `bare: ${((baseline.get(part) ?? 0) / 1000).toFixed(2)} us/call` }));
}

import { isKeyFingerprint } from '../../contract/argumentFingerprints';
import type { GranularityFigures } from '../../contract/describe';
import type { SourcedEvent } from '../../contract/inspectorSnapshot';
import type { LockMode } from '../../contract/lockEvents';
import { callKeyOf } from '../../contract/lockIntervals';
import { percentile } from './percentile';

/** What the granularity what-if found for one coarse resource: which source and tools, and the figures. */
export interface GranularityWhatIf extends GranularityFigures {
  readonly sourceId: string;
  /** Tools whose calls took it, by name. */
  readonly tools: readonly string[];
}

/** Thresholds of the what-if; every field has a default. */
export interface GranularityWhatIfOptions {
  /** Fewest calls on a resource worth an estimate (default 10). */
  readonly minCalls?: number;
  /** Least share of the calls' time spent waiting on it (default 0.2). */
  readonly minWaitShare?: number;
  /** Least estimated gain worth advice: the finer locks must cut the makespan or the p95 wait by this share (default 0.2). */
  readonly minGain?: number;
}

interface CallRecord {
  readonly tool: string;
  readonly startMs: number;
  endMs?: number;
  /** Key-argument fingerprints (string arguments), or undefined when the call reported no arguments. */
  readonly keys?: readonly string[];
  readonly keyArguments: readonly string[];
}

interface LockUse {
  readonly callKey: string;
  readonly requestedMs: number;
  readonly acquiredMs: number;
  readonly heldMs: number;
  readonly mode: LockMode;
}

/**
 * Finds resources that serialise independent work (one id taken by calls whose key arguments differ, e.g. a `db`
 * lock around transfers between different accounts) and estimates, by re-simulating the recorded calls with one id
 * per key-argument value, what the same calls would have taken: their arrival times, hold spans and the time each
 * call spends after its lock are kept; waits are recomputed with FIFO queues per finer id (readers share). Arrivals are
 * taken as given (an open-loop client); a client that sends the next call when one finishes would gain more.
 */
export function granularityWhatIf(history: readonly SourcedEvent[], options: GranularityWhatIfOptions = {}): GranularityWhatIf[] {
  const minCalls = options.minCalls ?? 10;
  const minWaitShare = options.minWaitShare ?? 0.2;
  const minGain = options.minGain ?? 0.2;
  const calls = new Map<string, CallRecord>();
  const usesByResource = new Map<string, { sourceId: string; resource: string; uses: LockUse[] }>();
  const requested = new Map<string, number>();
  const acquired = new Map<string, { atMs: number; requestedMs: number }>();

  for (const event of history) {
    switch (event.type) {
      case 'callStarted': {
        const keyArguments = Object.entries(event.arguments ?? {}).filter(([, fingerprint]) => isKeyFingerprint(fingerprint));
        calls.set(callKeyOf(event.sourceId, event.owner), {
          tool: event.owner.tool ?? '?',
          startMs: event.atMs,
          keys: event.arguments === undefined ? undefined : keyArguments.map(([, fingerprint]) => fingerprint),
          keyArguments: keyArguments.map(([name]) => name),
        });
        continue;
      }
      case 'callEnded': {
        const call = calls.get(callKeyOf(event.sourceId, event.owner));
        if (call) call.endMs = event.atMs;
        continue;
      }
      case 'requested':
        requested.set(`${event.sourceId}\u0000${event.resource}\u0000${event.chainId}`, event.atMs);
        continue;
      case 'acquired': {
        const key = `${event.sourceId}\u0000${event.resource}\u0000${event.chainId}`;
        acquired.set(key, { atMs: event.atMs, requestedMs: requested.get(key) ?? event.atMs - event.waitedMs });
        continue;
      }
      case 'released': {
        const key = `${event.sourceId}\u0000${event.resource}\u0000${event.chainId}`;
        const hold = acquired.get(key);
        acquired.delete(key);
        if (!hold || event.owner?.requestId === undefined) continue;
        const resourceKey = `${event.sourceId}\u0000${event.resource}`;
        let entry = usesByResource.get(resourceKey);
        if (!entry) usesByResource.set(resourceKey, (entry = { sourceId: event.sourceId, resource: event.resource, uses: [] }));
        entry.uses.push({ callKey: callKeyOf(event.sourceId, event.owner), requestedMs: hold.requestedMs, acquiredMs: hold.atMs, heldMs: event.heldMs, mode: event.mode });
        continue;
      }
    }
  }

  const findings: GranularityWhatIf[] = [];
  for (const { sourceId, resource, uses } of usesByResource.values()) {
    const usedBy = uses.map((use) => ({ use, call: calls.get(use.callKey) })).filter((pair): pair is { use: LockUse; call: CallRecord & { endMs: number } } => pair.call?.endMs !== undefined && pair.call.keys !== undefined);
    const callKeys = new Set(usedBy.map(({ use }) => use.callKey));
    if (callKeys.size < minCalls) continue;
    const keySets = new Set(usedBy.map(({ call }) => [...new Set(call.keys)].sort().join(',')));
    if (keySets.size < 2 || [...keySets].every((keys) => keys === '')) continue;
    const totalCallMs = [...callKeys].reduce((sum, key) => sum + ((calls.get(key)?.endMs ?? 0) - (calls.get(key)?.startMs ?? 0)), 0);
    const recordedWaits = usedBy.map(({ use }) => use.acquiredMs - use.requestedMs);
    const waitShare = totalCallMs > 0 ? recordedWaits.reduce((sum, wait) => sum + wait, 0) / totalCallMs : 0;
    if (waitShare < minWaitShare) continue;

    const allKeys = [...new Set(usedBy.flatMap(({ call }) => call.keys ?? []))];
    const simulated = simulateFinerLocks(usedBy.map(({ use, call }) => ({ use, ids: call.keys && call.keys.length > 0 ? [...new Set(call.keys)].sort() : allKeys })));
    let firstStartMs = Infinity;
    let recordedEndMs = -Infinity;
    let finerEndMs = -Infinity;
    for (const key of callKeys) {
      const call = calls.get(key) as CallRecord & { endMs: number };
      firstStartMs = Math.min(firstStartMs, call.startMs);
      recordedEndMs = Math.max(recordedEndMs, call.endMs);
      finerEndMs = Math.max(finerEndMs, call.endMs + (simulated.shiftByCall.get(key) ?? 0));
    }
    const recordedMakespanMs = recordedEndMs - firstStartMs;
    const finerMakespanMs = finerEndMs - firstStartMs;
    const recordedWaitP95Ms = percentile(recordedWaits, 0.95);
    const finerWaitP95Ms = percentile(simulated.waits, 0.95);
    // Calls that all share one key (transfers that all touch alice's account) gain nothing from finer ids: no advice.
    if (finerMakespanMs > (1 - minGain) * recordedMakespanMs && finerWaitP95Ms > (1 - minGain) * recordedWaitP95Ms) continue;
    findings.push({
      sourceId,
      resource,
      tools: [...new Set(usedBy.map(({ call }) => call.tool))].sort(),
      calls: callKeys.size,
      distinctKeys: keySets.size,
      keyArguments: [...new Set(usedBy.flatMap(({ call }) => call.keyArguments))].sort(),
      waitShare,
      recordedMakespanMs,
      finerMakespanMs,
      recordedWaitP95Ms,
      finerWaitP95Ms,
    });
  }
  return findings.sort((a, b) => b.recordedMakespanMs - b.finerMakespanMs - (a.recordedMakespanMs - a.finerMakespanMs));
}

/**
 * Replays lock uses in arrival order on finer ids: a use starts when every id it needs is free for its mode (taken
 * in one sorted order, all or nothing, FIFO per id), and holds them as long as it did. A call whose earlier use
 * moved shifts its later uses and its end by as much.
 */
function simulateFinerLocks(uses: readonly { use: LockUse; ids: readonly string[] }[]): { waits: number[]; shiftByCall: Map<string, number> } {
  const writeFreeMs = new Map<string, number>();
  const readFreeMs = new Map<string, number>();
  const shiftByCall = new Map<string, number>();
  const waits: number[] = [];
  for (const { use, ids } of [...uses].sort((a, b) => a.use.requestedMs - b.use.requestedMs)) {
    const arrivalMs = use.requestedMs + (shiftByCall.get(use.callKey) ?? 0);
    let startMs = arrivalMs;
    for (const id of ids) startMs = Math.max(startMs, (use.mode === 'read' ? readFreeMs.get(id) : writeFreeMs.get(id)) ?? -Infinity);
    const endMs = startMs + use.heldMs;
    for (const id of ids) {
      writeFreeMs.set(id, Math.max(writeFreeMs.get(id) ?? -Infinity, endMs));
      if (use.mode === 'write') readFreeMs.set(id, endMs);
    }
    waits.push(startMs - arrivalMs);
    shiftByCall.set(use.callKey, startMs - use.acquiredMs);
  }
  return { waits, shiftByCall };
}

import { deadlockMessage, inversionMessage, leaseLostMessage, longHoldMessage, lostUpdateMessage, taskTtlMessage, timeoutStormMessage } from '../contract/describe';
import type { LockDeadlockEvent, LockInversionEvent, LockLeaseLostEvent, LockLongHoldEvent, LockReleasedEvent, LostUpdateEvent } from '../contract/lockEvents';
import type { WarningView } from '../contract/inspectorSnapshot';

/** Limits of the warning list; every field has a default. */
export interface WarningDetectorOptions {
  /** Warnings kept, newest first (default 200). */
  readonly maxWarnings?: number;
  /** This many timeouts on one resource within `windowMs` raise a timeout-storm warning (default 5 in 10 s). */
  readonly timeoutStorm?: { readonly timeouts: number; readonly windowMs: number };
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** A resource as the detectors see it: unique key across sources, its source, its id. */
export interface WarnedResource {
  readonly key: string;
  readonly sourceId: string;
  readonly id: string;
}

// Past this many resources with recent timeouts, those whose last timeout left the window are forgotten.
const STORM_TRACKED_RESOURCES = 1024;

/**
 * Turns lock events into the warnings a person should look at (deadlocks, lock-order inversions, long holds,
 * timeout storms), worded by the contract's describe module; a repeat updates its warning and moves it to the front.
 */
export class WarningDetectors {
  private readonly maxWarnings: number;
  private readonly stormTimeouts: number;
  private readonly stormWindowMs: number;
  private warnings: WarningView[] = [];
  private readonly occurrences = new Map<string, number>();
  /** Event times of recent timeouts per resource key, pruned to the storm window. */
  private readonly recentTimeoutsMs = new Map<string, number[]>();

  constructor(options: WarningDetectorOptions = {}) {
    this.maxWarnings = positiveInteger('maxWarnings', options.maxWarnings ?? 200);
    this.stormTimeouts = positiveInteger('timeoutStorm.timeouts', options.timeoutStorm?.timeouts ?? 5);
    this.stormWindowMs = options.timeoutStorm?.windowMs ?? 10_000;
  }

  /** Warnings now, newest first. */
  list(): WarningView[] {
    return [...this.warnings];
  }

  /** Forgets every warning. */
  clear(): void {
    this.warnings = [];
    this.occurrences.clear();
    this.recentTimeoutsMs.clear();
  }

  /** A request that would have closed a wait-for cycle: one warning per set of resources in the cycle. */
  deadlock(sourceId: string, event: LockDeadlockEvent): void {
    const cycleResources = [...new Set([event.resource, ...event.cycle.map((edge) => edge.resource)])].sort();
    this.upsert(`deadlock:${sourceId}:${cycleResources.join('\u0000')}`, (occurrences) => ({
      kind: 'deadlock',
      sourceId,
      atMs: event.atMs,
      cycle: event.cycle,
      message: deadlockMessage(event, event.resource, event.cycle, occurrences),
    }));
  }

  /** Two places took the same pair of resources in opposite orders. */
  inversion(sourceId: string, event: LockInversionEvent): void {
    const { earlier, later } = event;
    const pair = [earlier.first, earlier.second].sort().join('\u0000');
    this.upsert(`inversion:${sourceId}:${pair}`, (occurrences) => ({
      kind: 'inversion',
      sourceId,
      atMs: event.atMs,
      earlier,
      later,
      message: inversionMessage(earlier, later, occurrences),
    }));
  }

  /** A holder kept a resource past the threshold: one warning per resource and tool. */
  longHold(sourceId: string, event: LockLongHoldEvent): void {
    const who = event.owner?.tool ?? event.owner?.label ?? '';
    this.upsertLongHold(`longHold:${sourceId}:${event.resource}:${who}`, sourceId, event, (occurrences) =>
      longHoldMessage(event, event.resource, event.heldMs, event.thresholdMs, occurrences, event.slowCall),
    );
  }

  /**
   * A task's lock held longer than the task's `ttl` (seen while still held, as a long hold, or at release): one
   * warning per resource and task, shown as a long hold.
   */
  taskHold(sourceId: string, event: LockLongHoldEvent | LockReleasedEvent): void {
    const ttlMs = event.owner?.taskTtlMs;
    if (ttlMs === undefined || event.heldMs <= ttlMs) return;
    this.upsertLongHold(`taskTtl:${sourceId}:${event.resource}:${event.owner?.taskId ?? ''}`, sourceId, event, (occurrences) =>
      taskTtlMessage(event, event.resource, event.heldMs, ttlMs, occurrences),
    );
  }

  /** A long-hold warning for `event`'s hold, worded by `message`. */
  private upsertLongHold(id: string, sourceId: string, event: LockLongHoldEvent | LockReleasedEvent, message: (occurrences: number) => string): void {
    this.upsert(id, (occurrences) => ({
      kind: 'longHold',
      sourceId,
      atMs: event.atMs,
      resource: event.resource,
      owner: event.owner,
      heldMs: event.heldMs,
      message: message(occurrences),
    }));
  }

  /** A Redis holder's lease ran out while it worked (its replica is named by the owner): one warning per resource and call. */
  leaseLost(sourceId: string, event: LockLeaseLostEvent): void {
    this.upsert(`leaseLost:${sourceId}:${event.resource}:${event.chainId}`, () => ({
      kind: 'leaseLost',
      sourceId,
      atMs: event.atMs,
      resource: event.resource,
      owner: event.owner,
      heldMs: event.heldMs,
      leaseMs: event.leaseMs,
      message: leaseLostMessage(event, event.resource, event.heldMs, event.leaseMs),
    }));
  }

  /** A stale write overwrote another call's update: one warning per key and pair of tools, counting repeats. */
  lostUpdate(sourceId: string, event: LostUpdateEvent): void {
    const tools = `${event.owner?.tool ?? ''}\u0000${event.overwritten.owner?.tool ?? ''}`;
    this.upsert(`lostUpdate:${sourceId}:${event.key}:${tools}`, (occurrences) => ({
      kind: 'lostUpdate',
      sourceId,
      atMs: event.atMs,
      event,
      message: lostUpdateMessage(event, occurrences),
    }));
  }

  /** A lock timeout; enough of them on one resource within the window make one timeout-storm warning. */
  timeout(resource: WarnedResource, atMs: number): void {
    const windowStart = atMs - this.stormWindowMs;
    const recent = (this.recentTimeoutsMs.get(resource.key) ?? []).filter((timeMs) => timeMs > windowStart);
    recent.push(atMs);
    this.recentTimeoutsMs.set(resource.key, recent);
    if (this.recentTimeoutsMs.size > STORM_TRACKED_RESOURCES) this.forgetQuietResources(windowStart);
    const timeouts = recent.length;
    if (timeouts < this.stormTimeouts) return;
    // One warning per storm: it is updated while timeouts keep coming, a new one starts after a quiet window.
    const prefix = `timeoutStorm:${resource.key}:`;
    const current = this.warnings.find((warning) => warning.kind === 'timeoutStorm' && warning.id.startsWith(prefix) && warning.atMs > windowStart);
    this.upsert(current?.id ?? `${prefix}${atMs}`, () => ({
      kind: 'timeoutStorm',
      sourceId: resource.sourceId,
      atMs,
      resource: resource.id,
      timeouts,
      windowMs: this.stormWindowMs,
      message: timeoutStormMessage(resource.id, timeouts, this.stormWindowMs),
    }));
  }

  /** Adds a warning, or refreshes the one with the same id and moves it to the front. */
  private upsert(id: string, build: (occurrences: number) => DistributiveOmit<WarningView, 'id'>): void {
    const occurrences = (this.occurrences.get(id) ?? 0) + 1;
    const warning = { id, occurrences, ...build(occurrences) } as WarningView;
    const previousIndex = occurrences > 1 ? this.warnings.findIndex((existing) => existing.id === id) : -1;
    if (previousIndex >= 0) this.warnings.splice(previousIndex, 1);
    this.warnings.unshift(warning);
    this.occurrences.set(id, occurrences);
    while (this.warnings.length > this.maxWarnings) {
      const dropped = this.warnings.pop();
      if (dropped) this.occurrences.delete(dropped.id);
    }
  }

  private forgetQuietResources(windowStart: number): void {
    for (const [key, times] of this.recentTimeoutsMs) if ((times.at(-1) ?? -Infinity) <= windowStart) this.recentTimeoutsMs.delete(key);
  }
}

/** `value` when it is a positive integer; else a RangeError naming the option. */
export function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`Inspector option ${name} must be a positive integer, got ${value}`);
  return value;
}

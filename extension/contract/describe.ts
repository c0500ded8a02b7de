// The one vocabulary: how owners, durations, cycles and warnings read, in errors, MCP log messages, the model's
// warnings, the CLI and the webviews alike. Pure functions, no Node or DOM, so every side can import it.
import type { AdviceKind, ResourceView, SourceInfo } from './inspectorSnapshot';
import type { LockEvent, LockOrderSite, LockOwner, LockParty, LockSlowCall, LostUpdateEvent, SharedStateKind, WaitForEdge } from './lockEvents';

/** Anything that can be named as a holder or waiter: its call chain and, when known, its owner. */
export interface NamedParty {
  readonly chainId: number;
  readonly owner?: LockOwner;
}

/** How a holder or waiter is named: `transfer #12`, `transfer task 7f3a`, a free-text label, or `chain 7` as a last resort. */
export function describeOwner(owner: LockOwner | undefined, chainId?: number): string {
  const onReplica = owner?.replica !== undefined ? ` on ${describeReplica(owner.replica)}` : '';
  if (owner?.taskId !== undefined) return `${owner.tool ?? 'task'}${owner.tool !== undefined ? ' task' : ''} ${owner.taskId}${onReplica}`;
  if (owner?.tool !== undefined) return `${owner.requestId !== undefined ? `${owner.tool} #${owner.requestId}` : owner.tool}${onReplica}`;
  if (owner?.label !== undefined) return `${owner.label}${onReplica}`;
  return `${chainId !== undefined ? `chain ${chainId}` : 'unknown owner'}${onReplica}`;
}

/**
 * Who made a call, where the 2026-07-28 spec has no session: the client's `name/version` (and its stdio connection),
 * else the session (1.x), else the connection, else the request's trace; undefined when nothing says.
 */
export function describeCaller(owner: LockOwner | undefined): string | undefined {
  const connection = owner?.connectionId !== undefined ? `connection ${owner.connectionId}` : undefined;
  if (owner?.caller !== undefined) return connection === undefined ? owner.caller : `${owner.caller} · ${connection}`;
  if (owner?.sessionId !== undefined) return `session ${owner.sessionId}`;
  if (connection !== undefined) return connection;
  if (owner?.traceId !== undefined) return `trace ${owner.traceId}`;
  return undefined;
}

/** A replica as sentences name it: `replica 'a'`. */
export function describeReplica(replica: string): string {
  return `replica ${quoteResource(replica)}`;
}

/** `describeOwner` of a party. */
export function describeParty(party: NamedParty): string {
  return describeOwner(party.owner, party.chainId);
}

/** A resource id as sentences quote it: `'account:alice'`. */
export function quoteResource(id: string): string {
  return `'${id}'`;
}

const countFormat = new Intl.NumberFormat('en-US');

/** A count, grouped, with its noun in the right number: `1 resource`, `12,345 resources`. */
export function countOf(count: number, singular: string, plural = `${singular}s`): string {
  return `${countFormat.format(count)} ${count === 1 ? singular : plural}`;
}

/** A source told apart from others of the same label (each restart is another process): `bundled server · pid 4242 · 09:41:07`. */
export function describeSource(source: Pick<SourceInfo, 'label' | 'pid' | 'connectedAtMs'>): string {
  const started = new Date(source.connectedAtMs);
  const clock = [started.getHours(), started.getMinutes(), started.getSeconds()].map(pad2).join(':');
  return `${source.label} · pid ${source.pid} · ${clock}`;
}

/**
 * What a debuggee paused at a breakpoint is doing to its callers, from its resources:
 * `paused: holding 'account:alice' (transfer #12), 3 queued behind it`, or `paused, holding no lock`.
 */
export function pausedDebuggeeMessage(resources: readonly Pick<ResourceView, 'id' | 'holders' | 'waiters'>[]): string {
  const held = resources.filter((resource) => resource.holders.length > 0);
  if (held.length === 0) return 'paused, holding no lock';
  const holding = held.map((resource) => `${quoteResource(resource.id)} (${resource.holders.map(describeParty).join(', ')})`).join(', ');
  const queued = held.reduce((sum, resource) => sum + resource.waiters.length, 0);
  return `paused: holding ${holding}, ${countOf(queued, 'call')} queued behind it`;
}

/** A duration for people: `0.4 ms`, `12 ms`, `1.2 s`, `12 s`, `2 min 05 s`, `1 h 02 min`; `–` when unknown. */
export function formatDuration(durationMs: number): string {
  if (!Number.isFinite(durationMs) || durationMs < 0) return '–';
  if (durationMs < 10) return `${trimZero(durationMs.toFixed(1))} ms`;
  // What would round to 1000 ms reads as seconds.
  if (durationMs < 999.5) return `${Math.round(durationMs)} ms`;
  const seconds = durationMs / 1000;
  if (seconds < 10) return `${trimZero(seconds.toFixed(1))} s`;
  if (seconds < 60) return `${Math.floor(seconds)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${pad2(Math.floor(seconds % 60))} s`;
  return `${Math.floor(minutes / 60)} h ${pad2(minutes % 60)} min`;
}

/** One stop on a deadlock cycle: a call, or the resource it waits for. */
export type CycleNode =
  | { readonly kind: 'call'; readonly chainId: number; readonly owner?: LockOwner; readonly label: string }
  | { readonly kind: 'resource'; readonly id: string };

/**
 * Orders the edges of a wait-for cycle into call -> resource -> call -> ... so it reads round the loop;
 * the last resource's holder is the first call. A holder that is waiting nowhere ends the chain.
 */
export function cycleNodes(cycle: readonly WaitForEdge[]): CycleNode[] {
  // Chain ids are per process: across replicas a call is its chain id on its replica.
  const callKey = (chainId: number, replica: string | undefined) => `${replica ?? ''}/${chainId}`;
  const byWaiter = new Map(cycle.map((edge) => [callKey(edge.waiter.chainId, edge.waiter.owner?.replica), edge]));
  const nodes: CycleNode[] = [];
  const visited = new Set<WaitForEdge>();
  let edge: WaitForEdge | undefined = cycle[0];
  while (edge && !visited.has(edge)) {
    visited.add(edge);
    nodes.push({ kind: 'call', chainId: edge.waiter.chainId, owner: edge.waiter.owner, label: describeParty(edge.waiter) });
    nodes.push({ kind: 'resource', id: edge.resource });
    const next = byWaiter.get(callKey(edge.holderChainId, edge.holderReplica));
    if (!next) {
      const holder = edge.holderReplica === undefined ? undefined : { replica: edge.holderReplica };
      nodes.push({ kind: 'call', chainId: edge.holderChainId, label: describeOwner(holder, edge.holderChainId) });
    }
    edge = next;
  }
  return nodes;
}

/** The cycle in one sentence: `transfer #2 waits for 'A' held by transfer #1, which waits for 'B' held by transfer #2`. */
export function describeCycle(cycle: readonly WaitForEdge[]): string {
  const nodes = cycleNodes(cycle);
  const parts: string[] = [];
  for (let index = 0; index + 1 < nodes.length; index += 2) {
    const waiter = nodes[index] as Extract<CycleNode, { kind: 'call' }>;
    const resource = nodes[index + 1] as Extract<CycleNode, { kind: 'resource' }>;
    const holder = (nodes[index + 2] ?? nodes[0]) as Extract<CycleNode, { kind: 'call' }>;
    parts.push(`${index === 0 ? waiter.label : 'which'} waits for ${quoteResource(resource.id)} held by ${holder.label}`);
  }
  return parts.join(', ');
}

/** Where an ordered pair was taken: `transfer #3 took 'A' then 'B' at src/bank.ts:12:7`. */
export function describeOrderSite(site: LockOrderSite): string {
  return `${describeParty(site)} took ${quoteResource(site.first)} then ${quoteResource(site.second)}${site.location ? ` at ${site.location}` : ''}`;
}

/** What a deadlock warning says: who asked for what, the cycle it would have closed, and what to do. */
export function deadlockMessage(party: NamedParty, resource: string, cycle: readonly WaitForEdge[], occurrences = 1): string {
  return (
    `Deadlock averted${timesText(occurrences)}: ${describeParty(party)} asked for ${quoteResource(resource)}, closing the cycle ` +
    `${describeCycle(cycle)}. The request failed with E_DEADLOCK; take these locks in one global order (one withLocks call with all ids).`
  );
}

/** What a lock-order inversion warning says: both sites and why it matters. */
export function inversionMessage(earlier: LockOrderSite, later: LockOrderSite, occurrences = 1): string {
  return (
    `Lock-order inversion${timesText(occurrences)}: ${describeOrderSite(earlier)}, but ${describeOrderSite(later)}. ` +
    'Two such calls at once deadlock; take both in one order (one withLocks call).'
  );
}

/** What a long-hold warning says; with `slowCall`, which awaited call took how much of the hold. */
export function longHoldMessage(party: NamedParty, resource: string, heldMs: number, thresholdMs: number, occurrences = 1, slowCall?: LockSlowCall): string {
  const held = `Long hold${timesText(occurrences)}: ${describeParty(party)} has held ${quoteResource(resource)} for ${formatDuration(heldMs)} (threshold ${formatDuration(thresholdMs)})`;
  if (slowCall === undefined) return `${held}; is it held across a slow call?`;
  const [innermost, ...callers] = slowCall.frames;
  const calledFrom = callers.length === 0 ? '' : `, called from ${callers.join(' < ')}`;
  return (
    `${held}, ${formatDuration(slowCall.awaitedMs)} of it (${formatShare(heldMs > 0 ? Math.min(1, slowCall.awaitedMs / heldMs) : 1)}) awaiting ` +
    `${slowCall.call === undefined ? '' : `${slowCall.call} at `}${innermost ?? slowCall.location}${calledFrom}: held across a slow call. Do that call before taking the lock, or lock only the update after it.`
  );
}

/** What a task's lock held past the task's `ttl` says: the task may be gone while its lock blocks others. */
export function taskTtlMessage(party: NamedParty, resource: string, heldMs: number, ttlMs: number, occurrences = 1): string {
  return (
    `Held past its task's ttl${timesText(occurrences)}: ${describeParty(party)} held ${quoteResource(resource)} for ${formatDuration(heldMs)}, ` +
    `longer than the task's ttl of ${formatDuration(ttlMs)}; its result may already be discarded while others wait.`
  );
}

/** What a timeout says: who waited how long for what, and who held it. */
export function timeoutMessage(party: NamedParty, resource: string, waitedMs: number, holders: readonly LockParty[]): string {
  const heldBy = holders.length === 0 ? '' : `, held by ${holders.map(describeParty).join(', ')}`;
  return `${describeParty(party)} timed out after ${formatDuration(waitedMs)} waiting for ${quoteResource(resource)}${heldBy}.`;
}

/** What a timeout-storm warning says. */
export function timeoutStormMessage(resource: string, timeouts: number, windowMs: number): string {
  return (
    `Timeout storm: ${timeouts} lock timeouts on ${quoteResource(resource)} within ${formatDuration(windowMs)}. ` +
    'A holder may be stuck, or the lock is too coarse for the load.'
  );
}

/** What the sidebar says while it shows the state at a time cursor, given the instant as a clock time (`12:03:41.250`). */
export function timeCursorBannerText(clockTime: string): string {
  return `State at ${clockTime} — Escape or Show Live returns to now`;
}

/** A hold of a replica that is gone, still in Redis until its lease runs out: `gone, lease ends in ≤ 2.4 s`. */
export function leaseRunningOutText(leaseEndsByMs: number, nowMs: number): string {
  const leftMs = leaseEndsByMs - nowMs;
  return leftMs > 0 ? `gone, lease ends in ≤ ${formatDuration(leftMs)}` : 'gone, lease ran out';
}

/** A hold left in Redis by a replica that went away, until another takes the resource, as its bar and the legend name it. */
export const LEASE_RUNNING_OUT = 'lease running out';

/** That hold in a sentence: `transfer #1 went away holding account:A; its lease is running out` (or `ran out`). */
export function goneHoldingHeadline(party: NamedParty, resource: string, runningOut: boolean): string {
  return `${describeParty(party)} went away holding ${resource}; its lease ${runningOut ? 'is running out' : 'ran out'}`;
}

/** How long that lease went on: `3 s since its process went away, nobody has taken it yet` or `ran out within 5 s after …`. */
export function goneHoldingLeaseText(lastedMs: number, runningOut: boolean): string {
  const lasted = formatDuration(lastedMs);
  return runningOut ? `${lasted} since its process went away, nobody has taken it yet` : `ran out within ${lasted} after its process went away`;
}

/** What a lost-lease warning says: whose lease ran out on what, and what that means for its writes. */
export function leaseLostMessage(party: NamedParty, resource: string, heldMs: number, leaseMs: number): string {
  return (
    `Lease lost: ${describeParty(party)} held ${quoteResource(resource)} for ${formatDuration(heldMs)} without renewing its ` +
    `${formatDuration(leaseMs)} lease (paused process or lost connection), so another call may hold it now; its signal ` +
    'was aborted and writes checked against its fencing token are refused.'
  );
}

/** A lost lease in a few words, as the timeline's marker says it: `Lease lost: transfer #4 on replica 'r2' held 'account:alice' past its lease`. */
export function leaseLostHeadline(party: Partial<NamedParty>, resource: string): string {
  return `Lease lost: ${describeOwner(party.owner, party.chainId)} held ${quoteResource(resource)} past its lease`;
}

/** How long a hold whose lease ran out lasted: `1.2 s, until its 1 s lease ran out; its work went on 300 ms without the lock`. */
export function leaseLostHeldText(heldMs: number, leaseMs: number, afterMs: number): string {
  return `${formatDuration(heldMs)}, until its ${formatDuration(leaseMs)} lease ran out; its work went on ${formatDuration(afterMs)} without the lock`;
}

/** What the fencing token of a lost hold means from then on: `17: writes checked against it are refused`. */
export function fencingTokenText(fencingToken: number): string {
  return `${fencingToken}: writes checked against it are refused`;
}

/** The lock id a fix would take for a shared-state key: `file:items.json` for a file, the key itself for tracked state. */
export function suggestedLockId(key: string, kind: SharedStateKind): string {
  return kind === 'file' ? `file:${key.split(/[\\/]/).pop() ?? key}` : key;
}

/** Where a shared-state access happened, for sentences: ` at src/store.ts:12:7`, or nothing when unknown. */
function atLocation(location: string | undefined): string {
  return location === undefined ? '' : ` at ${location}`;
}

/** What a lost-update warning says: both calls, the three sites, the time between, and the fix. */
export function lostUpdateMessage(event: LostUpdateEvent, occurrences = 1): string {
  const staleWriter = describeParty(event);
  const overwritten = describeParty(event.overwritten);
  return (
    `Lost update${timesText(occurrences)}: ${staleWriter} wrote ${quoteResource(event.key)}${atLocation(event.staleWrite.location)} ` +
    `from what it read ${formatDuration(event.atMs - event.read.atMs)} earlier${atLocation(event.read.location)}, overwriting what ` +
    `${overwritten} wrote in between${atLocation(event.overwritten.location)}. Hold one lock across the read and the write, ` +
    `e.g. withLock(${quoteResource(suggestedLockId(event.key, event.keyKind))}, ...).`
  );
}

/** A lost update in a few words, as headlines and the timeline say it: `Lost update on 'items.json': add #4 overwrote add #3's write`. */
export function lostUpdateHeadline(event: LostUpdateEvent): string {
  return `Lost update on ${quoteResource(event.key)}: ${describeParty(event)} overwrote ${describeParty(event.overwritten)}'s write`;
}

/** What a burst of parallel calls showed of races: how many lost updates, on which keys, written where. */
export function raceProbeSummary(lostUpdates: readonly LostUpdateEvent[]): string {
  if (lostUpdates.length === 0) return 'Race probe: no lost updates seen.';
  const places = new Map<string, number>();
  for (const event of lostUpdates) {
    const place = `${quoteResource(event.key)}${atLocation(event.staleWrite.location)}`;
    places.set(place, (places.get(place) ?? 0) + 1);
  }
  const listed = [...places].sort((a, b) => b[1] - a[1]).slice(0, 3).map(([place, count]) => `${count}× ${place}`);
  return `Race probe: ${lostUpdates.length} lost update${lostUpdates.length === 1 ? '' : 's'} seen: ${listed.join('; ')}${places.size > 3 ? '; ...' : ''}.`;
}

/** The editor's diagnostic on a read-await-write span; lines are 1-based. */
export function lostUpdatePossibleMessage(key: string, readLine: number, writeLine: number, awaitText: string): string {
  return `lost update possible: \`${key}\` read at line ${readLine}, written at line ${writeLine} after \`${awaitText}\`; a parallel call can run in between`;
}

/** One sentence about a lock event (or lost update) worth a warning, for logs and MCP logging messages. */
export function describeLockWarning(event: LockEvent | LostUpdateEvent): string {
  switch (event.type) {
    case 'lostUpdate':
      return lostUpdateMessage(event);
    case 'deadlock':
      return deadlockMessage(event, event.resource, event.cycle);
    case 'inversion':
      return inversionMessage(event.earlier, event.later);
    case 'longHold':
      return longHoldMessage(event, event.resource, event.heldMs, event.thresholdMs, 1, event.slowCall);
    case 'timeout':
      return timeoutMessage(event, event.resource, event.waitedMs, event.holders);
    case 'leaseLost':
      return leaseLostMessage(event, event.resource, event.heldMs, event.leaseMs);
    default:
      return `${describeParty(event)}: lock ${event.type} on ${quoteResource(event.resource)}.`;
  }
}

function timesText(occurrences: number): string {
  return occurrences > 1 ? ` (${occurrences} times)` : '';
}

function trimZero(text: string): string {
  return text.endsWith('.0') ? text.slice(0, -2) : text;
}

function pad2(value: number): string {
  return String(value).padStart(2, '0');
}

/** A share 0..1 as sentences say it: `71%`. */
export function formatShare(share: number): string {
  return `${Math.round(share * 100)}%`;
}

/** A count as sentences say it: `2,000`. */
export function formatCount(count: number): string {
  return count.toLocaleString('en-US');
}

/** The figures of a granularity what-if on one coarse resource: as recorded, and re-simulated with finer ids. */
export interface GranularityFigures {
  readonly resource: string;
  /** Calls that held it. */
  readonly calls: number;
  /** Distinct key-argument sets among them (e.g. 12 different account pairs). */
  readonly distinctKeys: number;
  /** Names of the string arguments that would name the finer ids (e.g. `account`, `from`, `to`). */
  readonly keyArguments: readonly string[];
  /** Share of the calls' time spent waiting for this resource, 0 to 1. */
  readonly waitShare: number;
  /** First call start to last call end, as recorded. */
  readonly recordedMakespanMs: number;
  /** The same, re-simulated with one id per key argument value. */
  readonly finerMakespanMs: number;
  readonly recordedWaitP95Ms: number;
  readonly finerWaitP95Ms: number;
}

/** What the granularity what-if says: how much the calls waited on one coarse id, and what finer ids would give. */
export function granularityAdviceMessage(finding: GranularityFigures): string {
  const perKey = finding.keyArguments.length > 0 ? `per-${finding.keyArguments.join('/')} ids` : 'per-key ids';
  return (
    `Coarse lock: calls waited ${formatShare(finding.waitShare)} of their time on ${quoteResource(finding.resource)}, taken by ` +
    `${formatCount(finding.calls)} calls on ${formatCount(finding.distinctKeys)} different keys; with ${perKey} the same ` +
    `${formatCount(finding.calls)} calls would finish in ${formatDuration(finding.finerMakespanMs)} instead of ` +
    `${formatDuration(finding.recordedMakespanMs)} (p95 wait ${formatDuration(finding.recordedWaitP95Ms)} -> ` +
    `${formatDuration(finding.finerWaitP95Ms)}). Lock what each call touches, e.g. ` +
    `withLocks([${finding.keyArguments.map((name) => `\`${finding.resource}:\${${name}}\``).join(', ') || `\`${finding.resource}:\${key}\``}], ...).`
  );
}

/** What a timeout-budget warning says: a tool's worst waits and holds, or its lock timeout, against its client's request timeout. */
export function timeoutBudgetMessage(
  tool: string,
  figures: { readonly waitP99Ms: number; readonly holdP99Ms: number; readonly lockTimeoutMs?: number; readonly clientTimeoutMs: number; readonly clientTimeoutLabel: string },
): string {
  const budget = `the client's ${formatDuration(figures.clientTimeoutMs)} request timeout (${figures.clientTimeoutLabel})`;
  if (figures.lockTimeoutMs !== undefined && figures.lockTimeoutMs > figures.clientTimeoutMs) {
    return (
      `Timeout budget: ${tool} waits up to ${formatDuration(figures.lockTimeoutMs)} for a lock, longer than ${budget}: the client gives ` +
      'up first and the call may still take the lock and do its work for nobody. Make the lock timeout shorter than the client\'s.'
    );
  }
  return (
    `Timeout budget: ${tool} calls wait up to ${formatDuration(figures.waitP99Ms)} (p99) and hold up to ${formatDuration(figures.holdP99Ms)} ` +
    `(p99), ${formatShare((figures.waitP99Ms + figures.holdP99Ms) / figures.clientTimeoutMs)} of ${budget}: a slower call can be abandoned ` +
    'by its client while still queued or holding. Shorten the hold or the queue, or raise the client\'s timeout.'
  );
}

/** What a parallel-safety hint says: what a tool was seen to do, and the annotation that tells clients so. */
export function readOnlyHintMessage(tool: string, calls: number, readLocks: number): string {
  return (
    `Parallel safety: ${tool} took only read locks (${formatCount(readLocks)} in ${formatCount(calls)} calls) and wrote no tracked state. ` +
    'Annotate it { readOnlyHint: true } so clients may run it in parallel with others.'
  );
}

/** What a tool annotated `readOnlyHint: true` was seen to do that writes: the figures its warning names. */
export interface ReadOnlyViolationFigures {
  readonly tool: string;
  readonly calls: number;
  /** Write locks it requested, and on which resources (first few, in the order first taken). */
  readonly writeLocks: number;
  readonly writeLockResources: readonly string[];
  /**
   * Its writes of tracked shared state, as the end of each call counts them, and their keys; for a call whose end does
   * not (a reporter without the count, a task's work after the call returned), the writes lost-update reports name.
   */
  readonly trackedWrites: number;
  readonly writtenKeys: readonly string[];
}

/**
 * What the warning on a tool annotated read-only that writes says: what it did and how often, and why it matters.
 * `Read-only tool writes: countItems is annotated readOnlyHint: true, yet in 40 calls it took 12 write locks (on
 * 'account:a0') and made 39 writes of tracked shared state ('/srv/store.json.views'). ...`
 */
export function readOnlyViolationMessage(violation: ReadOnlyViolationFigures): string {
  const named = (ids: readonly string[]) => ids.map(quoteResource).join(', ');
  const deeds = [
    ...(violation.writeLocks > 0 ? [`took ${countOf(violation.writeLocks, 'write lock')} (on ${named(violation.writeLockResources)})`] : []),
    ...(violation.trackedWrites > 0 ? [`made ${countOf(violation.trackedWrites, 'write')} of tracked shared state (${named(violation.writtenKeys)})`] : []),
  ];
  return (
    `Read-only tool writes: ${violation.tool} is annotated readOnlyHint: true, yet in ${countOf(violation.calls, 'call')} it ${deeds.join(' and ')}. ` +
    'Clients run read-only tools in parallel with others and without confirmation; take only read locks and write nothing, or drop the hint.'
  );
}

/** The heading of each kind of advice in the warning list. */
export const ADVICE_TITLES: Readonly<Record<AdviceKind, string>> = {
  granularity: 'Coarse lock',
  timeoutBudget: 'Timeout budget',
  readOnlyHint: 'Parallel safety',
  readOnlyViolation: 'Read-only tool writes',
};

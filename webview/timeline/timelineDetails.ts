import type { LockOwner, LockParty, LostUpdateEvent } from '../../extension/contract/lockEvents';
import {
  describeCycle,
  describeOwner,
  describeParty,
  fencingTokenText,
  formatDuration,
  goneHoldingHeadline,
  goneHoldingLeaseText,
  LEASE_RUNNING_OUT,
  leaseLostHeadline,
  leaseLostHeldText,
  lostUpdateHeadline,
  suggestedLockId,
} from '../../extension/contract/describe';
import { formatClock } from '../shared/format';
import type { LaneView, Marker, Span } from './timelineStore';

/** Something on a lane a person pointed at or selected. */
export type TimelineItem = { readonly span: Span } | { readonly marker: Marker };

/** A source location an item names, with what happened there: a link in the details panel. */
export interface ItemSite {
  readonly label: string;
  /** `file:line:column`, as the host's revealSource takes it. */
  readonly location: string;
}

/** What the tooltip and the details panel say about an item. */
export interface ItemDescription {
  readonly title: string;
  readonly facts: readonly (readonly [label: string, value: string])[];
  /** The tool whose handler "Go to handler" opens. */
  readonly tool?: string;
  /** Code the item happened at, in the order it happened; double-click and Enter open the last. */
  readonly sites?: readonly ItemSite[];
}

/** Describes a bar or marker in words: who, which resource, how long, how it ended. */
export function describeItem(item: TimelineItem, lane: LaneView, nowMs: number, sourceLabel: string): ItemDescription {
  return 'span' in item ? describeSpan(item.span, lane, nowMs, sourceLabel) : describeMarker(item.marker, lane, sourceLabel);
}

/** How a bar is labelled on the lane when it is wide enough: its call (its replica is in the colour or the lane), and for a task's hold how old it is. */
export function spanLabel(span: Span, nowMs: number): string {
  const who = describeOwner(span.owner && { ...span.owner, replica: undefined }, span.chainId);
  if (span.kind === 'lease') return `${who}: ${LEASE_RUNNING_OUT}`;
  return span.owner?.taskId !== undefined && span.kind === 'hold' ? `${who} · ${formatDuration((span.outcome === 'open' ? nowMs : span.endMs) - span.startMs)}` : who;
}

function describeSpan(span: Span, lane: LaneView, nowMs: number, sourceLabel: string): ItemDescription {
  const who = describeOwner(span.owner, span.chainId);
  const open = span.outcome === 'open';
  const lastedMs = (open ? nowMs : span.endMs) - span.startMs;
  const lasted = formatDuration(lastedMs);
  const common = callFacts(span, sourceLabel);
  if (span.kind === 'lease') {
    return {
      title: goneHoldingHeadline(span, lane.resource, open),
      facts: [
        ['Lease', goneHoldingLeaseText(lastedMs, open)],
        ['Taken by', span.takenBy ? describeOwner(span.takenBy) : 'nobody yet'],
        ['Since', formatClock(span.startMs)],
        ...common,
      ],
      tool: span.owner?.tool,
    };
  }
  if (span.kind === 'hold') {
    const held = span.leaseLost
      ? leaseLostHeldText(span.leaseLost.atMs - span.startMs, span.leaseLost.leaseMs, (open ? nowMs : span.endMs) - span.leaseLost.atMs)
      : open
        ? `${lasted}, still holding`
        : span.outcome === 'sourceGone'
          ? `${lasted}, until its process went away (never released)`
          : lasted;
    return {
      title: `${who} ${open && !span.leaseLost ? 'holds' : 'held'} ${lane.resource}`,
      facts: [['Held', `${held}${taskAge(span.owner, lastedMs)}`], ['Since', formatClock(span.startMs)], ...common],
      tool: span.owner?.tool,
    };
  }
  const outcome = { open: 'still waiting', acquired: 'got it', timeout: 'timed out', aborted: 'cancelled', released: 'got it', sourceGone: 'its process went away', lapsed: 'got it' }[span.outcome];
  return {
    title: `${who} ${open ? 'waits' : 'waited'} for ${lane.resource}`,
    facts: [
      ['Waited', `${lasted}, ${outcome}`],
      ...(span.queueDepth !== undefined ? [['Queue', span.queueDepth === 0 ? 'first in line' : `${span.queueDepth} ahead`] as const] : []),
      ['Since', formatClock(span.startMs)],
      ...common,
    ],
    tool: span.owner?.tool,
  };
}

/** A task's hold against its `ttl`: ` (task ttl 30 s)`, or ` (over its task ttl of 30 s)`. */
function taskAge(owner: LockOwner | undefined, heldMs: number): string {
  if (owner?.taskId === undefined || owner.taskTtlMs === undefined) return '';
  return heldMs > owner.taskTtlMs ? ` (over its task ttl of ${formatDuration(owner.taskTtlMs)})` : ` (task ttl ${formatDuration(owner.taskTtlMs)})`;
}

function describeMarker(marker: Marker, lane: LaneView, sourceLabel: string): ItemDescription {
  const event = marker.event;
  if (event.type === 'lostUpdate') return describeLostUpdate(event, sourceLabel);
  const who = describeOwner(event.owner, event.chainId);
  const at: readonly [string, string] = ['At', formatClock(marker.atMs)];
  const common = [at, ...callFacts({ owner: event.owner, chainId: event.chainId, mode: event.mode }, sourceLabel)];
  const tool = event.owner?.tool;
  switch (event.type) {
    case 'timeout':
      return { title: `${who} timed out waiting for ${lane.resource}`, facts: [['Waited', formatDuration(event.waitedMs)], ['Held by', partiesText(event.holders)], ...common], tool };
    case 'aborted':
      return { title: `${who} gave up waiting for ${lane.resource}`, facts: [['Waited', formatDuration(event.waitedMs)], ['Reason', event.reason ?? 'cancelled'], ...common], tool };
    case 'deadlock':
      return { title: `Deadlock: ${who} would close a wait-for cycle on ${lane.resource}`, facts: [['Cycle', describeCycle(event.cycle) || 'not reported'], ...common], tool };
    case 'reentrant':
      return { title: `${who} asked again for ${lane.resource}, which it already holds`, facts: common, tool };
    case 'longHold':
      return { title: `${who} held ${lane.resource} for over ${formatDuration(event.thresholdMs)}`, facts: [['Held', `${formatDuration(event.heldMs)} when reported`], ...common], tool };
    case 'leaseLost':
      return {
        title: leaseLostHeadline(event, lane.resource),
        facts: [['Held', formatDuration(event.heldMs)], ['Lease', `${formatDuration(event.leaseMs)}, not renewed in time`], ['Fencing token', fencingTokenText(event.fencingToken)], ...common],
        tool,
      };
  }
}

/** The interleaving in three steps, both calls named, and links to the three sites. */
function describeLostUpdate(event: LostUpdateEvent, sourceLabel: string): ItemDescription {
  const staleWriter = describeParty(event);
  const overwritten = describeParty(event.overwritten);
  const afterRead = (atMs: number): string => `${formatDuration(atMs - event.read.atMs)} after the read`;
  const sites: ItemSite[] = [];
  if (event.read.location) sites.push({ label: `${staleWriter} read`, location: event.read.location });
  if (event.overwritten.location) sites.push({ label: `${overwritten} wrote`, location: event.overwritten.location });
  if (event.staleWrite.location) sites.push({ label: `${staleWriter} wrote stale`, location: event.staleWrite.location });
  return {
    title: lostUpdateHeadline(event),
    facts: [
      ['Read', `${staleWriter} at ${formatClock(event.read.atMs)}`],
      ['Interleaved write', `${overwritten} at ${formatClock(event.overwritten.atMs)}, ${afterRead(event.overwritten.atMs)}`],
      ['Stale write', `${staleWriter} at ${formatClock(event.atMs)}, ${afterRead(event.atMs)}: the other write is lost`],
      ['Key', `${event.keyKind === 'file' ? 'file' : 'tracked state'} ${event.key}`],
      ['Fix', `hold one lock across the read and the write, e.g. withLock('${suggestedLockId(event.key, event.keyKind)}', ...)`],
      ...ownerFacts(event.owner),
      ['Source', sourceLabel],
    ],
    tool: event.owner?.tool,
    sites,
  };
}

function callFacts(party: Pick<Span, 'owner' | 'chainId' | 'mode'>, sourceLabel: string): [string, string][] {
  const facts: [string, string][] = [['Mode', party.mode === 'read' ? 'read (shared)' : 'write (exclusive)'], ...ownerFacts(party.owner)];
  facts.push(['Source', sourceLabel], ['Call chain', String(party.chainId)]);
  return facts;
}

/** Who the call is beyond its tool and id: the replica it ran on, its task, and what identifies its caller. */
function ownerFacts(owner: LockOwner | undefined): [string, string][] {
  if (!owner) return [];
  const facts: [string, string][] = [];
  if (owner.replica !== undefined) facts.push(['Replica', owner.replica]);
  if (owner.taskId !== undefined) facts.push(['Task', owner.taskTtlMs !== undefined ? `${owner.taskId}, ttl ${formatDuration(owner.taskTtlMs)}` : owner.taskId]);
  if (owner.caller !== undefined) facts.push(['Caller', owner.caller]);
  if (owner.sessionId !== undefined) facts.push(['Session', owner.sessionId]);
  if (owner.connectionId !== undefined) facts.push(['Connection', owner.connectionId]);
  if (owner.traceId !== undefined) facts.push(['Trace', owner.spanId !== undefined ? `${owner.traceId} (span ${owner.spanId})` : owner.traceId]);
  return facts;
}

function partiesText(parties: readonly LockParty[]): string {
  return parties.length === 0 ? 'nobody (released meanwhile)' : parties.map((party) => describeOwner(party.owner, party.chainId)).join(', ');
}

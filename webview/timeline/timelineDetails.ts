import type { LockParty } from '../../extension/contract/lockEvents';
import { describeCycle, describeOwner, formatDuration } from '../../extension/contract/describe';
import { formatClock } from '../shared/format';
import type { Lane, Marker, Span } from './timelineStore';

/** Something on a lane a person pointed at or selected. */
export type TimelineItem = { readonly span: Span } | { readonly marker: Marker };

/** What the tooltip and the details panel say about an item. */
export interface ItemDescription {
  readonly title: string;
  readonly facts: readonly (readonly [label: string, value: string])[];
  /** The tool whose handler "Go to handler" opens. */
  readonly tool?: string;
}

/** Describes a bar or marker in words: who, which resource, how long, how it ended. */
export function describeItem(item: TimelineItem, lane: Lane, nowMs: number, sourceLabel: string): ItemDescription {
  return 'span' in item ? describeSpan(item.span, lane, nowMs, sourceLabel) : describeMarker(item.marker, lane, sourceLabel);
}

function describeSpan(span: Span, lane: Lane, nowMs: number, sourceLabel: string): ItemDescription {
  const who = describeOwner(span.owner, span.chainId);
  const open = span.outcome === 'open';
  const lasted = formatDuration((open ? nowMs : span.endMs) - span.startMs);
  const common = callFacts(span, sourceLabel);
  if (span.kind === 'hold') {
    return {
      title: `${who} ${open ? 'holds' : 'held'} ${lane.resource}`,
      facts: [['Held', open ? `${lasted}, still holding` : span.outcome === 'sourceGone' ? `${lasted}, until its process went away (never released)` : lasted], ['Since', formatClock(span.startMs)], ...common],
      tool: span.owner?.tool,
    };
  }
  const outcome = { open: 'still waiting', acquired: 'got it', timeout: 'timed out', aborted: 'cancelled', released: 'got it', sourceGone: 'its process went away' }[span.outcome];
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

function describeMarker(marker: Marker, lane: Lane, sourceLabel: string): ItemDescription {
  const event = marker.event;
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
  }
}

function callFacts(party: Pick<Span, 'owner' | 'chainId' | 'mode'>, sourceLabel: string): [string, string][] {
  const facts: [string, string][] = [['Mode', party.mode === 'read' ? 'read (shared)' : 'write (exclusive)']];
  if (party.owner?.sessionId) facts.push(['Session', party.owner.sessionId]);
  facts.push(['Source', sourceLabel], ['Call chain', String(party.chainId)]);
  return facts;
}

function partiesText(parties: readonly LockParty[]): string {
  return parties.length === 0 ? 'nobody (released meanwhile)' : parties.map((party) => describeOwner(party.owner, party.chainId)).join(', ');
}

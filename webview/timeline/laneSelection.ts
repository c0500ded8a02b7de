import type { TimelineFilter, TimelineLaneOrder } from '../../extension/contract/webviewMessages';
import type { LaneView } from './timelineStore';

const byName = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

/** Whether a lane passes the filter. */
function laneMatches(lane: LaneView, filter: TimelineFilter): boolean {
  if (filter.sourceId && !lane.sourceIds.includes(filter.sourceId)) return false;
  if (filter.onlyContended && !lane.contended) return false;
  if (filter.tool && !lane.tools.has(filter.tool)) return false;
  if (filter.resource && !lane.resource.toLowerCase().includes(filter.resource.toLowerCase())) return false;
  return true;
}

/**
 * The lanes to draw, filtered and ordered: by name (natural: `account:2` before `account:10`), by contention, most
 * recent first, or each source's (replica's) lanes together in the order `sourceRank` gives, by name within.
 */
export function selectLanes<L extends LaneView>(lanes: Iterable<L>, filter: TimelineFilter, order: TimelineLaneOrder, sourceRank: (sourceId: string) => number = () => 0): L[] {
  const selected: L[] = [];
  for (const lane of lanes) if (laneMatches(lane, filter)) selected.push(lane);
  const sources = (lane: LaneView): string => lane.sourceIds.join('\u0000');
  const nameOrder = (a: LaneView, b: LaneView): number => byName.compare(a.resource, b.resource) || byName.compare(sources(a), sources(b));
  switch (order) {
    case 'name':
      return selected.sort(nameOrder);
    case 'contention':
      return selected.sort((a, b) => b.incidents - a.incidents || b.waitedTotalMs - a.waitedTotalMs || nameOrder(a, b));
    case 'recent':
      return selected.sort((a, b) => b.lastActivityMs - a.lastActivityMs || nameOrder(a, b));
    case 'source':
      return selected.sort((a, b) => sourceRank(a.sourceIds[0] ?? '') - sourceRank(b.sourceIds[0] ?? '') || nameOrder(a, b));
  }
}
